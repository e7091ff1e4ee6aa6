// Freezing as a user meets it: a frozen part gets no gradient at all (tfjs computes none), a frozen
// BatchNormalization keeps its moving statistics through fit (stock tfjs updates them), and
// unfreezeCallback in fit trains the top layer first, then one more layer per `every` epochs, with
// the optimizer and its state kept across the changes and no second compile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, freezeLayers, layerDecayGroups, unfreezeCallback, type NamedTensor } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { seededRandom } from './support/rule-cases.js';

await useBackend('cpu');

const random = seededRandom(3);
const X = tf.tensor2d(Float32Array.from({ length: 32 * 4 }, () => random() * 2 - 1), [32, 4]);
const Y = tf.tensor2d(Float32Array.from({ length: 32 * 2 }, () => random()), [32, 2]);

// Layer ids by depth ('sequential'): lower 0, bn 1, head 2.
function buildModel() {
  return tf.sequential({ layers: [
    tf.layers.dense({ units: 5, inputShape: [4], activation: 'tanh', name: 'lower', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    tf.layers.batchNormalization({ name: 'bn' }),
    tf.layers.dense({ units: 2, name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
  ] });
}
const snapshot = (m: tf.LayersModel) => new Map(m.weights.map((w) => [w.originalName, w.read().dataSync().slice() as Float32Array]));
const moved = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) => [...a.keys()].filter((k) => a.get(k)!.some((x, i) => x !== b.get(k)![i])).sort();

/** Records the variable names each step's gradients are for. */
function recordGradients(optimizer: GroupedOptimizer): string[][] {
  const seen: string[][] = [];
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (g) => { seen.push((g as NamedTensor[]).map((x) => x.name).sort()); apply(g); };
  return seen;
}

test('freezeLayers below 2: lower and bn get no gradient, keep their weights and BN statistics; the head trains', async () => {
  const model = buildModel();
  const groups = layerDecayGroups(model, { decay: 0.5, arch: 'sequential' });
  assert.is(groups.numLayers, 2);
  const state = freezeLayers(model, groups, 2);
  assert.equal(state.frozen.sort(), ['bn/beta', 'bn/gamma', 'lower/bias', 'lower/kernel']);
  const optimizer = new GroupedOptimizer('adam', groups, { learningRate: 0.05 });
  const seen = recordGradients(optimizer);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const before = snapshot(model);
  await model.fit(X, Y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0 });
  assert.equal(moved(before, snapshot(model)), ['head/bias', 'head/kernel']);
  const headNames = model.getLayer('head').weights.map((w) => (w.read() as tf.Variable).name).sort();
  for (const names of seen) assert.equal(names, headNames, 'gradients only for the head');
});

test('stock tfjs, for contrast: layer.trainable = false still moves a BatchNormalization\'s statistics in fit', async () => {
  const model = buildModel();
  model.getLayer('bn').trainable = false;
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  const before = snapshot(model);
  await model.fit(X, Y, { batchSize: 8, epochs: 1, shuffle: false, verbose: 0 });
  assert.ok(moved(before, snapshot(model)).includes('bn/moving_mean'), 'stock tfjs updates the moving mean of a non-trainable BN');
});

test('unfreezeCallback every 1 epoch: head alone, then bn, then lower join; compiled once; state kept by name', async () => {
  const model = buildModel();
  const groups = layerDecayGroups(model, { decay: 0.5, arch: 'sequential' });
  freezeLayers(model, groups, groups.numLayers);
  const optimizer = new GroupedOptimizer('adam', groups, { learningRate: 0.05 });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const movedPerEpoch: string[][] = [];
  const log: number[] = [];
  let start = snapshot(model);
  const headM: Float32Array[] = [];
  await model.fit(X, Y, { batchSize: 8, epochs: 4, shuffle: false, verbose: 0, callbacks: [
    unfreezeCallback(model, groups, { every: 1, onUnfreeze: (s) => log.push(s.below) }),
    { onEpochEnd: async () => {
      const now = snapshot(model);
      movedPerEpoch.push(moved(start, now));
      start = now;
      const m = (await optimizer.getWeights()).find((w) => w.name === `${(model.getLayer('head').weights[0]!.read() as tf.Variable).name}/m`)!;
      headM.push(m.tensor.dataSync().slice() as Float32Array);
    } },
  ] });
  assert.equal(log, [2, 1, 0]);
  assert.equal(movedPerEpoch[0], ['head/bias', 'head/kernel']);
  assert.equal(movedPerEpoch[1], ['bn/beta', 'bn/gamma', 'bn/moving_mean', 'bn/moving_variance', 'head/bias', 'head/kernel']);
  assert.equal(movedPerEpoch[2], ['bn/beta', 'bn/gamma', 'bn/moving_mean', 'bn/moving_variance', 'head/bias', 'head/kernel', 'lower/bias', 'lower/kernel']);
  assert.is(optimizer.iterations, 16);
  // Adam's m of the head after epoch 1 continues from epoch 0's (β1 = 0.9 over 4 steps keeps 0.9^4 of it), never restarted from 0.
  assert.ok(headM[0]!.some((x) => x !== 0) && headM[1]!.some((x, i) => x !== headM[0]![i]));
  const names = (await optimizer.getWeights()).map((w) => w.name);
  for (const w of model.trainableWeights) assert.ok(names.includes(`${(w.read() as tf.Variable).name}/m`), `state for ${(w.read() as tf.Variable).name}`);
});

test('bad input: a clear message', () => {
  const model = buildModel();
  const groups = layerDecayGroups(model, { decay: 0.5, arch: 'sequential' });
  assert.throws(() => freezeLayers(model, groups, 7), /freezeLayers: below must be an integer in \[0, 3\] \(layer ids go 0..2\), got 7/);
  assert.throws(() => freezeLayers(model, {} as never, 1), /freezeLayers: expected the result of layerDecayGroups/);
  assert.throws(() => freezeLayers({}, groups, 1), /freezing needs a tfjs LayersModel/);
  assert.throws(() => unfreezeCallback(model, groups, { every: 0 }), /unfreezeCallback: every must be an integer >= 1 \(epochs\), got 0/);
});

test.run();

// The grouped optimizer inside model.fit: per-group scales act as PyTorch's lr_scale would, and a
// checkpoint (model.save with includeOptimizer, then tf.loadLayersModel) loses nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { seededRandom } from './support/rule-cases.js';
import { saveWithOptimizer } from './support/training-runs.js';

await useBackend('cpu');

const random = seededRandom(5);
const X = tf.tensor2d(Float32Array.from({ length: 64 * 6 }, () => random() * 2 - 1), [64, 6]);
const Y = tf.tensor2d(Float32Array.from({ length: 64 * 2 }, () => random()), [64, 2]);

function buildModel(seed: number) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [6], activation: 'tanh', name: 'lower_dense', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 2, name: 'head_out', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  return model;
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync().slice() as Float32Array);

test('SGD in fit: the lower group moves by exactly lrScale times its scale-1 move', async () => {
  const moves: Float32Array[][] = [];
  for (const lowerScale of [1, 0.25]) {
    const model = buildModel(1);
    const before = weightsOf(model);
    const optimizer = new GroupedOptimizer('sgd', [
      { name: 'lower', params: model.getLayer('lower_dense'), lrScale: lowerScale },
      { name: 'head', params: model.getLayer('head_out'), lrScale: 1 },
    ], { learningRate: 0.1 });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.fit(X, Y, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0 });
    moves.push(weightsOf(model).map((w, i) => w.map((x, j) => x - before[i]![j]!)));
  }
  const [full, scaled] = moves as [Float32Array[], Float32Array[]];
  // weights: [lower kernel, lower bias, head kernel, head bias]
  for (const i of [0, 1]) {
    full[i]!.forEach((d, j) => {
      assert.ok(Math.abs(d) > 1e-6, 'the lower layer must move');
      const err = Math.abs(scaled[i]![j]! - 0.25 * d);
      assert.ok(err <= 1e-6 * Math.abs(d) + 1e-7, `lower weight ${i}[${j}]: moved ${scaled[i]![j]} but 0.25 × ${d} = ${0.25 * d}`);
    });
  }
  for (const i of [2, 3]) assert.equal(scaled[i], full[i], 'the head (scale 1) moves the same in both runs');
});

for (const rule of ['adamw', 'momentum', 'rmsprop']) {
  test(`${rule}: save + load + more fit equals uninterrupted fit, bit for bit`, async () => {
    const makeOptimizer = (model: tf.LayersModel) => new GroupedOptimizer(rule, [
      { name: 'layer_0_decay', params: /lower_dense\/kernel/, lrScale: 0.3, weightDecay: 0.02 },
      { name: 'layer_0_no_decay', params: [model.getLayer('lower_dense').weights[1]!], lrScale: 0.3, weightDecay: 0 },
      { name: 'layer_1_head', params: model.getLayer('head_out'), lrScale: 1 },
    ], { learningRate: 0.05, ...(rule === 'momentum' ? { momentum: 0.9 } : {}), ...(rule === 'rmsprop' ? { momentum: 0.5, centered: true } : {}) });
    const fitOptions = { batchSize: 16, epochs: 2, shuffle: false, verbose: 0 as const };

    const straight = buildModel(3);
    straight.compile({ optimizer: makeOptimizer(straight), loss: 'meanSquaredError' });
    await straight.fit(X, Y, { ...fitOptions, epochs: 4 });
    const expected = weightsOf(straight);

    const first = buildModel(3);
    first.compile({ optimizer: makeOptimizer(first), loss: 'meanSquaredError' });
    await first.fit(X, Y, fitOptions);
    const artifacts = await saveWithOptimizer(first);
    const resumed = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const loaded = resumed.optimizer as GroupedOptimizer;
    assert.instance(loaded, GroupedOptimizer);
    assert.equal(loaded.paramGroups.map((g) => g.name), ['layer_0_decay', 'layer_0_no_decay', 'layer_1_head'], 'group names survive the camel-casing');
    assert.is(loaded.iterations, 8, 'the step count survives');
    assert.equal(loaded.paramGroups.map((g) => g.lrScale), [0.3, 0.3, 1]);
    await resumed.fit(X, Y, fitOptions);
    const actual = weightsOf(resumed);
    actual.forEach((w, i) => assert.equal(w, expected[i], `weight ${i} differs after resuming`));
  });
}

test('a second save right after loading keeps the optimizer state', async () => {
  const model = buildModel(4);
  model.compile({ optimizer: new GroupedOptimizer('adam', [{ params: model }], { learningRate: 0.01 }), loss: 'meanSquaredError' });
  await model.fit(X, Y, { batchSize: 32, epochs: 1, shuffle: false, verbose: 0 });
  const before = await (model.optimizer as GroupedOptimizer).getWeights();
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(await saveWithOptimizer(model)));
  const after = await (reloaded.optimizer as GroupedOptimizer).getWeights();
  assert.is(after.length, before.length);
  before.forEach((w, i) => assert.equal(after[i]!.tensor.dataSync(), w.tensor.dataSync(), `weight ${w.name}`));
});

test('trainOnBatch and fitDataset drive the grouped optimizer', async () => {
  const model = buildModel(6);
  const optimizer = new GroupedOptimizer('adam', [
    { params: model.getLayer('lower_dense'), lrScale: 0.5 },
    { params: model.getLayer('head_out') },
  ], { learningRate: 0.01 });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const before = weightsOf(model);
  await model.trainOnBatch(X, Y);
  assert.is(optimizer.iterations, 1);
  const ds = tf.data.zip({ xs: tf.data.array(X.unstack()), ys: tf.data.array(Y.unstack()) }).batch(32);
  await model.fitDataset(ds, { epochs: 1, verbose: 0 });
  assert.is(optimizer.iterations, 3);
  assert.not.equal(weightsOf(model)[0], before[0]);
});

test.run();

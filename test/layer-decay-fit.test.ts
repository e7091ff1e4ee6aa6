// One step of model.fit with layerDecayGroups and a grouped SGD moves every variable by
// lr × scale × grad, the gradient computed independently (tf.variableGrads on a copy of the model),
// the scale written out per layer. Freezing a layer leaves it in place and shifts no other scale.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/optimizer.js';
import { layerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyVit } from './support/tiny-vit.js';

await useBackend('cpu');

const LR = 0.5;
// decay 0.5, 3 blocks (numLayers 4): layer i -> 0.5 ** (4 - i)
const SCALE_OF_LAYER = [0.0625, 0.125, 0.25, 0.5, 1];
/** Layer of a tiny-ViT variable, as MAE's get_layer_id_for_vit gives it (written as rules here). */
function maeLayer(name: string): number {
  const bare = name.replace(/_\d+$/, '');
  if (bare === 'cls_token' || bare === 'pos_embed' || bare.startsWith('patch_embed/')) return 0;
  const block = /^blocks_(\d+)\//.exec(bare);
  return block ? Number(block[1]) + 1 : 4;
}

function data(seed: number) {
  const x = tf.randomUniform([6, 8, 8, 3], -1, 1, 'float32', seed);
  const y = tf.randomUniform([6, 3], -1, 1, 'float32', seed + 1);
  return { x, y };
}

/** The loss model.fit minimizes for 'meanSquaredError': the batch mean of the per-sample mean. */
const mse = (pred: tf.Tensor, y: tf.Tensor) => tf.mean(tf.mean(tf.square(tf.sub(pred, y)), -1)) as tf.Scalar;

async function oneStep(freeze: string[]) {
  const model = buildTinyVit({ depth: 3, seed: 7 });
  const copy = buildTinyVit({ depth: 3, seed: 7 });
  for (const name of freeze) {
    model.getLayer(name).trainable = false;
    copy.getLayer(name).trainable = false;
  }
  copy.setWeights(model.getWeights());
  const { x, y } = data(11);

  // Independent gradients: variableGrads on the copy, whose variables are named like a reloaded model's.
  const copyVariables = copy.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => mse(copy.apply(x) as tf.Tensor, y), copyVariables);
  const gradOf = new Map(copy.trainableWeights.map((w) => [w.name.replace(/_\d+$/, ''), grads[(w.read() as tf.Variable).name]!.dataSync()]));

  const groups = layerDecayGroups(model, { decay: 0.5 });
  const before = new Map(model.weights.map((w) => [w.name, w.read().dataSync().slice()]));
  model.compile({ optimizer: new GroupedOptimizer('sgd', groups, { learningRate: LR }), loss: 'meanSquaredError' });
  await model.fit(x, y, { batchSize: 6, epochs: 1, shuffle: false, verbose: 0 });
  return { model, groups, before, gradOf };
}

test('fit, one SGD step: each variable moves by lr × its layer scale × its gradient', async () => {
  const { model, groups, before, gradOf } = await oneStep([]);
  assert.is(groups.length, 10);
  let moved = 0;
  for (const w of model.weights) {
    const name = w.name.replace(/_\d+$/, '');
    const scale = SCALE_OF_LAYER[maeLayer(name)]!;
    const g = gradOf.get(name)!;
    const p0 = before.get(w.name)!;
    const p1 = w.read().dataSync();
    for (let i = 0; i < p1.length; i++) {
      const step = LR * scale * g[i]!;
      const expected = p0[i]! - step;
      // two float32 roundings of p, plus the two gradient computations' summation orders
      const tolerance = 2.4e-7 * Math.abs(p0[i]!) + 1e-5 * Math.abs(step) + 1e-9;
      assert.ok(Math.abs(p1[i]! - expected) <= tolerance, `${name}[${i}]: ${p1[i]} but ${p0[i]} - ${LR} × ${scale} × ${g[i]} = ${expected}`);
      if (Math.abs(step) > 1e-6) moved++;
    }
  }
  assert.ok(moved > 1000, `most of the 2283 parameters move (${moved})`);
});

test('a frozen layer stays, is in no group, and the other layers keep their scales', async () => {
  const { model, groups, before, gradOf } = await oneStep(['patch_embed/proj', 'blocks_0/attn/qkv']);
  const frozen = (n: string) => n.startsWith('patch_embed/proj/') || n.startsWith('blocks_0/attn/qkv/');
  const grouped = groups.flatMap((g) => g.paramNames.map((n) => n.replace(/_\d+$/, '')));
  assert.ok(grouped.length > 0 && !grouped.some(frozen), 'frozen variables are in no group');
  for (const a of groups.assignments) assert.is(a.layerId, maeLayer(a.name), `${a.name}: the same id as without freezing`);
  for (const w of model.weights) {
    const name = w.name.replace(/_\d+$/, '');
    const p0 = before.get(w.name)!;
    const p1 = w.read().dataSync();
    if (frozen(name)) {
      assert.equal(p1, p0, `${name} is frozen`);
      continue;
    }
    const scale = SCALE_OF_LAYER[maeLayer(name)]!;
    const g = gradOf.get(name)!;
    for (let i = 0; i < p1.length; i++) {
      const step = LR * scale * g[i]!;
      assert.ok(Math.abs(p1[i]! - (p0[i]! - step)) <= 2.4e-7 * Math.abs(p0[i]!) + 1e-5 * Math.abs(step) + 1e-9, `${name}[${i}]`);
    }
  }
});

test('the groups work with AdamW as well (trained step, state per variable)', async () => {
  const model = buildTinyVit({ depth: 2, seed: 3 });
  const groups = layerDecayGroups(model, { decay: 0.75, weightDecay: 0.05 });
  const optimizer = new GroupedOptimizer('adamw', groups, { learningRate: 1e-3 });
  assert.equal(optimizer.paramGroups.map((g) => g.name), groups.map((g) => g.name));
  assert.equal(optimizer.paramGroups.map((g) => g.lrScale), groups.map((g) => g.lrScale));
  assert.equal(optimizer.paramGroups.map((g) => g.weightDecay), groups.map((g) => g.weightDecay));
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const { x, y } = data(5);
  const history = await model.fit(x, y, { batchSize: 6, epochs: 2, shuffle: false, verbose: 0 });
  assert.ok(Number.isFinite(history.history.loss![1] as number));
});

test.run();

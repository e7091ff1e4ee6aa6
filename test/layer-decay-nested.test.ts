// A model used as a layer of another model resolves exactly as if its layers were flattened into the
// outer one, at any depth: tf.sequential([backbone, newHead]) (the transfer-learning shape, whose new
// head once got the lowest scale), a functional model in a Sequential, a Sequential in a functional
// model, two levels of each, a truncated backbone. Each nesting is compared with the same layers in a
// flat Sequential built separately, in memory and from the saved topology; the flat groups are also
// written out by hand once; and one SGD step of model.fit moves each variable by lr × scale × grad.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/optimizer.js';
import { layerDecayGroups, type LayerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

const DECAY = 0.5;
const bare = (name: string) => name.replace(/_\d+$/, ''); // the suffix tfjs adds to a name already taken

/** The backbone's layers (a ─ bn ─ b ─ c, the first with its input shape) and the new head, fresh each call. */
function freshLayers(seed: number) {
  const dense = (units: number, name: string, inputShape?: number[]) =>
    tf.layers.dense({ units, name, inputShape, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  return {
    a: dense(5, 'a', [4]),
    bn: tf.layers.batchNormalization({ name: 'bn' }),
    b: dense(5, 'b'),
    c: dense(4, 'c'),
    head: dense(2, 'head'),
  };
}

/** The same layers, flat: a ─ bn ─ b ─ c ─ head, graph depths 0..4. */
function flatModel(seed = 1) {
  const l = freshLayers(seed);
  return tf.sequential({ layers: [l.a, l.bn, l.b, l.c, l.head] });
}

const apply = (layer: tf.layers.Layer | tf.LayersModel, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;

/** Each nesting of the same five layers. */
const NESTINGS: Record<string, (seed: number) => tf.LayersModel> = {
  'Sequential in a Sequential: tf.sequential([backbone, head])': (seed) => {
    const l = freshLayers(seed);
    return tf.sequential({ layers: [tf.sequential({ name: 'backbone', layers: [l.a, l.bn, l.b, l.c] }), l.head] });
  },
  'functional model in a Sequential': (seed) => {
    const l = freshLayers(seed);
    const input = tf.input({ shape: [4] });
    const backbone = tf.model({ inputs: input, outputs: apply(l.c, apply(l.b, apply(l.bn, apply(l.a, input)))), name: 'backbone' });
    return tf.sequential({ layers: [backbone, l.head] });
  },
  'Sequential in a functional model': (seed) => {
    const l = freshLayers(seed);
    const backbone = tf.sequential({ name: 'backbone', layers: [l.a, l.bn, l.b, l.c] });
    const input = tf.input({ shape: [4] });
    return tf.model({ inputs: input, outputs: apply(l.head, apply(backbone, input)) });
  },
  'two levels of Sequential': (seed) => {
    const l = freshLayers(seed);
    const inner = tf.sequential({ name: 'inner', layers: [l.a, l.bn] });
    const backbone = tf.sequential({ name: 'backbone', layers: [inner, l.b, l.c] });
    return tf.sequential({ layers: [backbone, l.head] });
  },
  'two levels of functional models around a Sequential': (seed) => {
    const l = freshLayers(seed);
    const inner = tf.sequential({ name: 'inner', layers: [l.a, l.bn] });
    const midInput = tf.input({ shape: [4] });
    const backbone = tf.model({ inputs: midInput, outputs: apply(l.c, apply(l.b, apply(inner, midInput))), name: 'backbone' });
    const input = tf.input({ shape: [4] });
    return tf.model({ inputs: input, outputs: apply(l.head, apply(backbone, input)) });
  },
  'a layer, a nested model, a layer, the head': (seed) => {
    const l = freshLayers(seed);
    const middle = tf.sequential({ name: 'middle', layers: [tf.layers.inputLayer({ inputShape: [5] }), l.bn, l.b] });
    return tf.sequential({ layers: [l.a, middle, l.c, l.head] });
  },
  'truncated backbone with a new head (tfjs transfer learning)': (seed) => {
    const l = freshLayers(seed);
    const input = tf.input({ shape: [4] });
    const features = apply(l.c, apply(l.b, apply(l.bn, apply(l.a, input))));
    const pretrained = tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 3, name: 'old_head' }), features) });
    const truncated = tf.model({ inputs: pretrained.inputs, outputs: pretrained.getLayer('c').output as tf.SymbolicTensor, name: 'truncated' });
    return tf.sequential({ layers: [truncated, l.head] });
  },
};

/** Everything the groups say, with tfjs' uniquifying suffix dropped from the names. */
function summary(groups: LayerDecayGroups) {
  return {
    numLayers: groups.numLayers,
    groups: groups.map((g) => ({ name: g.name, lrScale: g.lrScale, weightDecay: g.weightDecay, layerIds: g.layerIds, variables: g.paramNames.map(bare) })),
    // By name: tfjs lists a model's frozen weights after its trainable ones, whatever their depth.
    assignments: groups.assignments.map((a) => ({ name: bare(a.name), layerId: a.layerId, lrScale: a.lrScale, weightDecay: a.weightDecay, trainable: a.trainable }))
      .sort((x, y) => x.name.localeCompare(y.name)),
  };
}

async function savedTopology(model: tf.LayersModel) {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return JSON.parse(JSON.stringify({ modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs }));
}

// The flat model's groups, written out from the formula: layer i of 0..4 gets 0.5 ** (4 - i); biases
// and the BatchNormalization's gamma and beta (1-D) get no weight decay; its moving statistics are not trained.
const FLAT_GROUPS = [
  { name: 'layer_0_decay', lrScale: 0.0625, weightDecay: undefined, layerIds: [0], variables: ['a/kernel'] },
  { name: 'layer_0_no_decay', lrScale: 0.0625, weightDecay: 0, layerIds: [0], variables: ['a/bias'] },
  { name: 'layer_1_no_decay', lrScale: 0.125, weightDecay: 0, layerIds: [1], variables: ['bn/gamma', 'bn/beta'] },
  { name: 'layer_2_decay', lrScale: 0.25, weightDecay: undefined, layerIds: [2], variables: ['b/kernel'] },
  { name: 'layer_2_no_decay', lrScale: 0.25, weightDecay: 0, layerIds: [2], variables: ['b/bias'] },
  { name: 'layer_3_decay', lrScale: 0.5, weightDecay: undefined, layerIds: [3], variables: ['c/kernel'] },
  { name: 'layer_3_no_decay', lrScale: 0.5, weightDecay: 0, layerIds: [3], variables: ['c/bias'] },
  { name: 'layer_4_decay', lrScale: 1, weightDecay: undefined, layerIds: [4], variables: ['head/kernel'] },
  { name: 'layer_4_no_decay', lrScale: 1, weightDecay: 0, layerIds: [4], variables: ['head/bias'] },
];

test('the flat model: the groups written out by hand', () => {
  const groups = layerDecayGroups(flatModel(), { decay: DECAY });
  assert.is(groups.numLayers, 4);
  assert.equal(summary(groups).groups, FLAT_GROUPS);
  assert.equal(groups.assignments.filter((a) => !a.trainable).map((a) => bare(a.name)), ['bn/moving_mean', 'bn/moving_variance']);
});

for (const [label, build] of Object.entries(NESTINGS)) {
  test(`${label}: the groups of the same layers flat, in memory and from the saved model`, async () => {
    const expected = summary(layerDecayGroups(flatModel(), { decay: DECAY }));
    const nested = build(3);
    const inMemory = layerDecayGroups(nested, { decay: DECAY });
    assert.is(inMemory.arch, 'sequential');
    assert.equal(summary(inMemory), expected);
    assert.equal(summary(inMemory).groups, FLAT_GROUPS);
    assert.equal(summary(layerDecayGroups(await savedTopology(nested), { decay: DECAY })), expected);
  });
}

test('a frozen nested backbone: the same depths as the flat model with those layers frozen', async () => {
  const flat = flatModel();
  for (const name of ['a', 'bn', 'b', 'c']) flat.getLayer(name).trainable = false;
  const expected = summary(layerDecayGroups(flat, { decay: DECAY }));
  assert.equal(expected.groups.map((g) => g.name), ['layer_4_decay', 'layer_4_no_decay']);
  const nested = NESTINGS['Sequential in a Sequential: tf.sequential([backbone, head])']!(5);
  nested.getLayer('backbone').trainable = false;
  assert.equal(summary(layerDecayGroups(nested, { decay: DECAY })), expected);
  // tfjs saves no trainable flag for a nested model (its layers keep theirs, true), and a reloaded model
  // trains them all: the saved topology says so, at the same depths.
  const saved = summary(layerDecayGroups(await savedTopology(nested), { decay: DECAY })).assignments;
  assert.equal(saved.map((a) => [a.name, a.layerId]), expected.assignments.map((a) => [a.name, a.layerId]));
  assert.ok(saved.filter((a) => !a.name.includes('moving')).every((a) => a.trainable));
});

test('model.fit on tf.sequential([backbone, head]), one SGD step: each variable moves by lr × scale × grad', async () => {
  const LR = 0.5;
  // decay 0.5 over layers 0..4: written out, not read from the groups.
  const SCALE: Record<string, number> = { a: 0.0625, bn: 0.125, b: 0.25, c: 0.5, head: 1 };
  const model = NESTINGS['Sequential in a Sequential: tf.sequential([backbone, head])']!(11);
  const copy = flatModel(99);
  copy.setWeights(model.getWeights());
  const x = tf.randomUniform([8, 4], -1, 1, 'float32', 21);
  const y = tf.randomUniform([8, 2], -1, 1, 'float32', 22);

  // Independent gradients: the flat copy, in training mode as fit runs (BatchNormalization on batch statistics).
  const loss = () => tf.mean(tf.mean(tf.square(tf.sub(copy.apply(x, { training: true }) as tf.Tensor, y)), -1)) as tf.Scalar;
  const { grads } = tf.variableGrads(loss, copy.trainableWeights.map((w) => w.read() as tf.Variable));
  const gradOf = new Map(copy.trainableWeights.map((w) => [bare(w.name), grads[(w.read() as tf.Variable).name]!.dataSync()]));

  const before = new Map(model.trainableWeights.map((w) => [w.name, w.read().dataSync().slice()]));
  model.compile({ optimizer: new GroupedOptimizer('sgd', layerDecayGroups(model, { decay: DECAY }), { learningRate: LR }), loss: 'meanSquaredError' });
  await model.fit(x, y, { batchSize: 8, epochs: 1, shuffle: false, verbose: 0 });

  const moved: Record<string, number> = {};
  for (const w of model.trainableWeights) {
    const name = bare(w.name);
    const scale = SCALE[name.split('/')[0]!]!;
    const g = gradOf.get(name)!;
    const p0 = before.get(w.name)!;
    const p1 = w.read().dataSync();
    for (let i = 0; i < p1.length; i++) {
      const step = LR * scale * g[i]!;
      const tolerance = 2.4e-7 * Math.abs(p0[i]!) + 1e-5 * Math.abs(step) + 1e-9;
      assert.ok(Math.abs(p0[i]! - p1[i]! - step) <= tolerance, `${name}[${i}] moved by ${p0[i]! - p1[i]!}, expected ${LR} × ${scale} × ${g[i]} = ${step}`);
      moved[name] = Math.max(moved[name] ?? 0, Math.abs(p0[i]! - p1[i]!));
    }
  }
  // The new head moves at the full rate and the backbone's lowest layer at the lowest: both really move.
  assert.ok(moved['head/kernel']! > 1e-3, `head/kernel moved ${moved['head/kernel']}`);
  assert.ok(moved['a/kernel']! > 1e-5, `a/kernel moved ${moved['a/kernel']}`);
});

test.run();

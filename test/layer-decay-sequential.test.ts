// arch 'sequential': the depth of a layer in the model's graph, counting layers with weights, over
// the whole model (frozen layers included). The same ids from the model in memory and from its
// saved topology (model.json), tables written out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { layerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

/**
 *            ┌ b1 ─ b2 ┐
 * a ─ drop ──┤         ├ cat ─ bn ─ out
 *            └ c1 ─────┘
 */
function branchy() {
  const input = tf.input({ shape: [4], name: 'x' });
  const a = tf.layers.dense({ units: 6, name: 'a' }).apply(input) as tf.SymbolicTensor;
  const d = tf.layers.dropout({ rate: 0.1, name: 'drop' }).apply(a) as tf.SymbolicTensor;
  const b1 = tf.layers.dense({ units: 5, name: 'b1' }).apply(d) as tf.SymbolicTensor;
  const b2 = tf.layers.dense({ units: 5, name: 'b2' }).apply(b1) as tf.SymbolicTensor;
  const c1 = tf.layers.dense({ units: 3, name: 'c1' }).apply(d) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([b2, c1]) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'out' }).apply(bn) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
// layer -> depth: the dropout and the concatenation hold no weights, so they add no layer.
const BRANCHY: Record<string, number> = { a: 0, b1: 1, b2: 2, c1: 1, bn: 3, out: 4 };
const layerOf = (name: string) => name.split('/')[0]!;

async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return JSON.parse(JSON.stringify({ modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs }));
}

test('a branching functional model: depth over the graph, bn moving statistics not trained', () => {
  const model = branchy();
  const groups = layerDecayGroups(model, { decay: 0.5 });
  assert.is(groups.arch, 'sequential');
  // describeGroups' header says that the names fit no table, and what was done instead.
  assert.match(groups.archReason, /^auto: the names fit no table of vit, beit, bert, convnext, swin, mobilenetv1, mobilenetv2, resnet, efficientnet: depth in the model's layer graph/);
  assert.is(groups.numLayers, 4);
  for (const a of groups.assignments) {
    assert.is(a.layerId, BRANCHY[layerOf(a.name)], a.name);
    assert.is(a.lrScale, 0.5 ** (4 - BRANCHY[layerOf(a.name)]!), a.name);
  }
  const untrained = groups.assignments.filter((a) => !a.trainable).map((a) => a.name.replace(/_\d+$/, ''));
  assert.equal(untrained.sort(), ['bn/moving_mean', 'bn/moving_variance']);
});

test('freezing a layer changes no depth; its variables leave the groups', () => {
  const model = branchy();
  model.getLayer('b1').trainable = false;
  model.getLayer('a').trainable = false;
  const groups = layerDecayGroups(model, { decay: 0.5 });
  assert.is(groups.numLayers, 4);
  for (const a of groups.assignments) assert.is(a.layerId, BRANCHY[layerOf(a.name)], a.name);
  const grouped = groups.flatMap((g) => g.paramNames.map(layerOf));
  assert.not.ok(grouped.includes('b1') || grouped.includes('a'));
  assert.equal(groups.map((g) => g.name), ['layer_1_decay', 'layer_1_no_decay', 'layer_2_decay', 'layer_2_no_decay', 'layer_3_no_decay', 'layer_4_decay', 'layer_4_no_decay']);
});

test('a nested Sequential counts its own layers, continuing the outer depth', () => {
  const input = tf.input({ shape: [4] });
  const first = tf.layers.dense({ units: 6, name: 'first' }).apply(input) as tf.SymbolicTensor;
  const inner = tf.sequential({
    name: 'inner',
    layers: [
      tf.layers.dense({ units: 6, inputShape: [6], name: 'inner_1' }),
      tf.layers.activation({ activation: 'relu', name: 'inner_relu' }),
      tf.layers.dense({ units: 6, name: 'inner_2' }),
    ],
  });
  const mid = inner.apply(first) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'last' }).apply(mid) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const expected: Record<string, number> = { first: 0, inner_1: 1, inner_2: 2, last: 3 };
  const groups = layerDecayGroups(model, { decay: 0.5 });
  assert.is(groups.numLayers, 3);
  for (const a of groups.assignments) assert.is(a.layerId, expected[layerOf(a.name)], a.name);
});

test('the saved topology (model.json / save artifacts) gives the same ids as the model in memory', async () => {
  const model = branchy();
  model.getLayer('c1').trainable = false;
  const artifacts = await artifactsOf(model);
  const groups = layerDecayGroups(artifacts, { decay: 0.5 });
  assert.is(groups.sourceKind, 'model.json');
  assert.is(groups.arch, 'sequential');
  assert.is(groups.numLayers, 4);
  for (const a of groups.assignments) assert.is(a.layerId, BRANCHY[layerOf(a.name)], a.name);
  const untrained = groups.assignments.filter((a) => !a.trainable).map((a) => a.name).sort();
  assert.equal(untrained, ['bn/moving_mean', 'bn/moving_variance', 'c1/bias', 'c1/kernel']);
  // No objects in a model.json: the groups hold the saved names, which the optimizer matches.
  assert.ok(groups.every((g) => g.params.every((p) => typeof p === 'string')));
});

test("arch 'sequential' needs a graph: a list of variables is refused with a reason", () => {
  const model = branchy();
  assert.throws(() => layerDecayGroups(model.weights, { decay: 0.5, arch: 'sequential' }), /arch 'sequential' needs the model's layer graph/);
  assert.throws(() => layerDecayGroups(model.weights, { decay: 0.5 }), /arch 'auto' recognized none of vit, beit, bert, convnext, swin, mobilenetv1, mobilenetv2, resnet, efficientnet in these names .*'a\/kernel/);
});

test.run();

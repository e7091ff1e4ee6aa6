// Which parameters get no weight decay, and why: MAE's param_groups_lrd (util/lr_decay.py)
//   if p.ndim == 1 or n in no_weight_decay_list: no decay
// with main_finetune.py's no_weight_decay_list = timm's {'pos_embed', 'cls_token', 'dist_token'}.
// PyTorch's `pos_embed` is, in tfjs, the weight of a layer named pos_embed (`pos_embed/embedding`
// when a custom layer adds it in build()), so the list matches layer names as well as variable names.
// The table is written by hand from those two rules; the reason is the first rule that applies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { layerDecayGroups, describeGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

// name | shape | 'decay', or the reason for none and the glob of the list that matched
const VIT_TABLE = `
patch_embed/proj/kernel         4,4,3,8  decay
patch_embed/proj/bias           8        one-dim
cls_token                       1,1,8    variable-name  cls_token
cls_token/token                 1,1,8    layer-name     cls_token
pos_embed/embedding             1,5,8    layer-name     pos_embed
pos_embed/embedding_1           1,5,8    layer-name     pos_embed
dist_token/token                1,1,8    layer-name     dist_token
blocks_0/norm1/gamma            8        one-dim
blocks_0/attn/qkv/kernel        8,24     decay
blocks_0/pos_embed_proj/kernel  8,8      decay
decoder_pos_embed/embedding     1,5,8    decay
head/kernel                     8,3      decay
head/bias                       3        one-dim
`.trim().split('\n').map((line) => {
  const [name, shape, reason, glob] = line.trim().split(/\s+/);
  return { name: name!, shape: shape!.split(',').map(Number), reason: reason!, glob: glob ?? null };
});

const verdicts = (groups: ReturnType<typeof layerDecayGroups>) =>
  groups.assignments.map((a) => ({ name: a.name, reason: a.noDecay?.reason ?? 'decay', glob: a.noDecay?.glob ?? null }));

test("MAE's rules on tfjs names: 1-D, then the list by variable name, then by layer name", () => {
  const groups = layerDecayGroups(VIT_TABLE.map(({ name, shape }) => ({ name, shape })), { decay: 0.75, arch: 'vit', warn: () => {} });
  for (const a of groups.assignments) assert.is(a.weightDecay, a.noDecay === null, a.name);
  assert.equal(verdicts(groups), VIT_TABLE.map(({ name, reason, glob }) => ({ name, reason, glob })));
});

test('a list given by the user is matched against layer names too; excludeOneDim: false leaves 1-D to the list', () => {
  const params = VIT_TABLE.map(({ name, shape }) => ({ name, shape }));
  const groups = layerDecayGroups(params, { decay: 0.75, arch: 'vit', warn: () => {}, noWeightDecay: ['head', '*bias'], excludeOneDim: false });
  const byName = new Map(verdicts(groups).map((v) => [v.name, v]));
  assert.equal(byName.get('head/kernel'), { name: 'head/kernel', reason: 'layer-name', glob: 'head' });
  assert.equal(byName.get('head/bias'), { name: 'head/bias', reason: 'variable-name', glob: '*bias' });
  assert.equal(byName.get('patch_embed/proj/bias'), { name: 'patch_embed/proj/bias', reason: 'variable-name', glob: '*bias' });
  assert.equal(byName.get('blocks_0/norm1/gamma'), { name: 'blocks_0/norm1/gamma', reason: 'decay', glob: null });
  assert.equal(byName.get('pos_embed/embedding'), { name: 'pos_embed/embedding', reason: 'decay', glob: null }, 'the given list replaces the arch\'s');
});

/** A learned tensor added to the input, created in build() as a custom layer does: tfjs names it `<layer>/<weight>`. */
class AddedToken extends tf.layers.Layer {
  static className = 'TestAddedToken';
  private value: tf.LayerVariable | null = null;
  constructor(private readonly config: { name: string; weightName: string; shape: number[] }) {
    super({ name: config.name });
  }
  override build() {
    this.value = this.addWeight(this.config.weightName, this.config.shape, 'float32', tf.initializers.randomNormal({ seed: 1 }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.value!.read()));
  }
  override getConfig() {
    return { ...super.getConfig(), weightName: this.config.weightName, shape: this.config.shape };
  }
}

function tokensModel() {
  const input = tf.input({ shape: [5, 8] });
  let x = new AddedToken({ name: 'cls_token', weightName: 'token', shape: [1, 8] }).apply(input) as tf.SymbolicTensor;
  x = new AddedToken({ name: 'pos_embed', weightName: 'embedding', shape: [5, 8] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 8, name: 'blocks_0/mlp/fc1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, name: 'head' }).apply(x) as tf.SymbolicTensor });
}

test('a model whose tokens are a custom layer\'s weights: no weight decay, and describeGroups says why', () => {
  const model = tokensModel();
  assert.equal(model.weights.slice(0, 2).map((w) => w.name), ['cls_token/token', 'pos_embed/embedding']);
  const groups = layerDecayGroups(model, { decay: 0.5, weightDecay: 0.05 });
  assert.is(groups.arch, 'vit');
  const stem = groups.find((g) => g.name === 'layer_0_no_decay')!;
  assert.equal(stem.paramNames, ['cls_token/token', 'pos_embed/embedding']);
  assert.is(stem.weightDecay, 0);
  assert.equal(groups.find((g) => g.name === 'layer_2_decay')!.paramNames, ['head/kernel']);
  const description = describeGroups(groups);
  assert.equal(description.noWeightDecay, [
    { name: 'cls_token/token', why: "layer 'cls_token' matches 'cls_token'" },
    { name: 'pos_embed/embedding', why: "layer 'pos_embed' matches 'pos_embed'" },
    { name: 'blocks_0/mlp/fc1/bias', why: '1-D' },
    { name: 'head/bias', why: '1-D' },
  ]);
  assert.ok(description.table.endsWith([
    'no weight decay: 2 variable(s) 1-D, 2 in the no-weight-decay list:',
    "  cls_token/token      layer 'cls_token' matches 'cls_token'",
    "  pos_embed/embedding  layer 'pos_embed' matches 'pos_embed'",
  ].join('\n')), description.table);
});

test('the same from the saved model (model.json): the layer comes from the topology', async () => {
  let saved: tf.io.ModelArtifacts | undefined;
  await tokensModel().save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const groups = layerDecayGroups({ modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs }, { decay: 0.5 });
  const tokens = groups.assignments.filter((a) => a.noDecay?.reason === 'layer-name').map((a) => [a.name.replace(/_\d+$/, ''), a.layer]);
  assert.equal(tokens, [['cls_token/token', 'cls_token'], ['pos_embed/embedding', 'pos_embed']]);
});

test.run();

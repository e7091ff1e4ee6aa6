// Layer ids for the tiny ViT (tfjs-layers) are MAE's: util/lr_decay.py param_groups_lrd, called as
// MAE's main_finetune.py calls it (no_weight_decay_list = timm's {'pos_embed', 'cls_token', 'dist_token'}).
// The expected table below was written from that code, by hand, for a 3-block ViT (num_layers = 4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { layerDecayGroups, describeGroups, type LayerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyVit } from './support/tiny-vit.js';

await useBackend('cpu');

// tfjs name | timm / MAE name | layer id | weight decay ('decay' or 'no')
const MAE_TABLE = `
patch_embed/proj/kernel     patch_embed.proj.weight     0  decay
patch_embed/proj/bias       patch_embed.proj.bias       0  no
cls_token                   cls_token                   0  no
pos_embed                   pos_embed                   0  no
blocks_0/norm1/gamma        blocks.0.norm1.weight       1  no
blocks_0/norm1/beta         blocks.0.norm1.bias         1  no
blocks_0/attn/qkv/kernel    blocks.0.attn.qkv.weight    1  decay
blocks_0/attn/qkv/bias      blocks.0.attn.qkv.bias      1  no
blocks_0/attn/proj/kernel   blocks.0.attn.proj.weight   1  decay
blocks_0/attn/proj/bias     blocks.0.attn.proj.bias     1  no
blocks_0/norm2/gamma        blocks.0.norm2.weight       1  no
blocks_0/norm2/beta         blocks.0.norm2.bias         1  no
blocks_0/mlp/fc1/kernel     blocks.0.mlp.fc1.weight     1  decay
blocks_0/mlp/fc1/bias       blocks.0.mlp.fc1.bias       1  no
blocks_0/mlp/fc2/kernel     blocks.0.mlp.fc2.weight     1  decay
blocks_0/mlp/fc2/bias       blocks.0.mlp.fc2.bias       1  no
blocks_1/norm1/gamma        blocks.1.norm1.weight       2  no
blocks_1/norm1/beta         blocks.1.norm1.bias         2  no
blocks_1/attn/qkv/kernel    blocks.1.attn.qkv.weight    2  decay
blocks_1/attn/qkv/bias      blocks.1.attn.qkv.bias      2  no
blocks_1/attn/proj/kernel   blocks.1.attn.proj.weight   2  decay
blocks_1/attn/proj/bias     blocks.1.attn.proj.bias     2  no
blocks_1/norm2/gamma        blocks.1.norm2.weight       2  no
blocks_1/norm2/beta         blocks.1.norm2.bias         2  no
blocks_1/mlp/fc1/kernel     blocks.1.mlp.fc1.weight     2  decay
blocks_1/mlp/fc1/bias       blocks.1.mlp.fc1.bias       2  no
blocks_1/mlp/fc2/kernel     blocks.1.mlp.fc2.weight     2  decay
blocks_1/mlp/fc2/bias       blocks.1.mlp.fc2.bias       2  no
blocks_2/norm1/gamma        blocks.2.norm1.weight       3  no
blocks_2/norm1/beta         blocks.2.norm1.bias         3  no
blocks_2/attn/qkv/kernel    blocks.2.attn.qkv.weight    3  decay
blocks_2/attn/qkv/bias      blocks.2.attn.qkv.bias      3  no
blocks_2/attn/proj/kernel   blocks.2.attn.proj.weight   3  decay
blocks_2/attn/proj/bias     blocks.2.attn.proj.bias     3  no
blocks_2/norm2/gamma        blocks.2.norm2.weight       3  no
blocks_2/norm2/beta         blocks.2.norm2.bias         3  no
blocks_2/mlp/fc1/kernel     blocks.2.mlp.fc1.weight     3  decay
blocks_2/mlp/fc1/bias       blocks.2.mlp.fc1.bias       3  no
blocks_2/mlp/fc2/kernel     blocks.2.mlp.fc2.weight     3  decay
blocks_2/mlp/fc2/bias       blocks.2.mlp.fc2.bias       3  no
norm/gamma                  norm.weight                 4  no
norm/beta                   norm.bias                   4  no
head/kernel                 head.weight                 4  decay
head/bias                   head.bias                   4  no
`.trim().split('\n').map((line) => {
  const [tfjs, timm, layer, wd] = line.trim().split(/\s+/);
  return { tfjs: tfjs!, timm: timm!, layer: Number(layer), decay: wd === 'decay' };
});
// layer_scales = [0.75 ** (4 - i) for i in range(5)]
const SCALES = [0.31640625, 0.421875, 0.5625, 0.75, 1];
const WEIGHT_DECAY = 0.05;

const bare = (name: string) => name.replace(/_\d+$/, '');

/** Checks every variable's layer, scale and weight decay, and the groups, against MAE's table. */
function checkAgainstMae(groups: LayerDecayGroups, nameOf: (row: (typeof MAE_TABLE)[number]) => string) {
  assert.is(groups.arch, 'vit');
  assert.is(groups.numLayers, 4);
  assert.equal([...groups.scales], SCALES);
  assert.is(groups.assignments.length, MAE_TABLE.length);
  for (const row of MAE_TABLE) {
    const a = groups.assignments.find((x) => bare(x.name) === nameOf(row));
    assert.ok(a, `no assignment for ${nameOf(row)}`);
    assert.is(a!.layerId, row.layer, `${a!.name}: layer`);
    assert.is(a!.lrScale, SCALES[row.layer], `${a!.name}: lrScale`);
    assert.is(a!.weightDecay, row.decay, `${a!.name}: weight decay`);
    assert.is(a!.group, `layer_${row.layer}_${row.decay ? 'decay' : 'no_decay'}`, `${a!.name}: group`);
  }
  // MAE's groups: one per (layer, decay / no decay), lr_scale = layer_scales[layer].
  const expected = new Map<string, { lrScale: number; weightDecay: number; names: string[] }>();
  for (const row of MAE_TABLE) {
    const key = `layer_${row.layer}_${row.decay ? 'decay' : 'no_decay'}`;
    const g = expected.get(key) ?? { lrScale: SCALES[row.layer]!, weightDecay: row.decay ? WEIGHT_DECAY : 0, names: [] };
    g.names.push(nameOf(row));
    expected.set(key, g);
  }
  assert.equal(groups.map((g) => g.name).sort(), [...expected.keys()].sort());
  for (const g of groups) {
    const e = expected.get(g.name)!;
    assert.is(g.lrScale, e.lrScale, `${g.name}: lrScale`);
    assert.is(g.weightDecay, e.weightDecay, `${g.name}: weightDecay`);
    assert.equal(g.paramNames.map(bare).sort(), [...e.names].sort(), `${g.name}: params`);
    assert.is(g.params.length, e.names.length);
  }
}

test('tiny ViT in tfjs-layers: every variable has the layer, scale and weight decay of MAE param_groups_lrd', () => {
  const model = buildTinyVit({ depth: 3 });
  assert.equal(model.weights.map((w) => bare(w.name)).sort(), MAE_TABLE.map((r) => r.tfjs).sort(), 'the builder names its variables as the table');
  const groups = layerDecayGroups(model, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  assert.match(groups.archReason, /^auto: /);
  checkAgainstMae(groups, (r) => r.tfjs);
  // The params are the model's own variables, so the optimizer needs no name matching.
  const variables = new Set(model.trainableWeights);
  for (const g of groups) for (const p of g.params) assert.ok(variables.has(p as tf.LayerVariable));
});

test("a second copy (reload-style names 'blocks_3/attn/qkv/kernel_1') gets the same ids", () => {
  buildTinyVit({ depth: 3 });
  const copy = buildTinyVit({ depth: 3 });
  const suffixed = copy.weights.filter((w) => /_\d+$/.test(w.name));
  assert.is(suffixed.length, copy.weights.length, 'every name of the copy carries a _N suffix');
  assert.ok(copy.weights.some((w) => /^blocks_2\/attn\/qkv\/kernel_\d+$/.test(w.name)));
  checkAgainstMae(layerDecayGroups(copy, { decay: 0.75, weightDecay: WEIGHT_DECAY, arch: 'vit' }), (r) => r.tfjs);
});

test('a model saved and loaded back with tf.loadLayersModel: the same ids, names with the reload suffix', async () => {
  const model = buildTinyVit({ depth: 3 });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: JSON.parse(JSON.stringify(saved!.modelTopology)) }));
  assert.ok(loaded.weights.every((w) => /_\d+$/.test(w.name)), loaded.weights.map((w) => w.name).join(', '));
  checkAgainstMae(layerDecayGroups(loaded, { decay: 0.75, weightDecay: WEIGHT_DECAY }), (r) => r.tfjs);
});

test('the same parameters under their timm / PyTorch names ({name, shape} descriptions)', () => {
  const model = buildTinyVit({ depth: 3 });
  const shapeOf = new Map(model.weights.map((w) => [bare(w.name), w.shape as number[]]));
  const descriptions = MAE_TABLE.map((r) => ({ name: r.timm, shape: shapeOf.get(r.tfjs)! }));
  const groups = layerDecayGroups(descriptions, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  checkAgainstMae(groups, (r) => r.timm);
  // Without objects, the groups hold names; the optimizer matches them.
  assert.ok(groups.every((g) => g.params.every((p) => typeof p === 'string')));
});

test('a {name: variable} map keyed by timm names passes the variables themselves', () => {
  const model = buildTinyVit({ depth: 3 });
  const byName = new Map(model.weights.map((w) => [bare(w.name), w]));
  const map = Object.fromEntries(MAE_TABLE.map((r) => [r.timm, byName.get(r.tfjs)!]));
  const groups = layerDecayGroups(map, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  checkAgainstMae(groups, (r) => r.timm);
  const head = groups.find((g) => g.name === 'layer_4_decay')!;
  assert.is(head.params[0], byName.get('head/kernel'));
});

test('1-D parameters get no weight decay; with excludeOneDim false only the no-weight-decay list does', () => {
  const model = buildTinyVit({ depth: 3 });
  const groups = layerDecayGroups(model, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  for (const a of groups.assignments) {
    if (a.shape.length === 1) assert.not.ok(a.weightDecay, `${a.name} is 1-D`);
  }
  const kept = layerDecayGroups(model, { decay: 0.75, weightDecay: WEIGHT_DECAY, excludeOneDim: false });
  const noDecay = kept.assignments.filter((a) => !a.weightDecay).map((a) => bare(a.name)).sort();
  assert.equal(noDecay, ['cls_token', 'pos_embed']);
});

test('a list of tf.Variables (not LayerVariables) works too', () => {
  const model = buildTinyVit({ depth: 3 });
  const variables = model.weights.map((w) => w.read() as tf.Variable);
  const groups = layerDecayGroups(variables, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  checkAgainstMae(groups, (r) => r.tfjs);
  assert.ok(groups.every((g) => g.params.every((p) => variables.includes(p as tf.Variable))));
});

test('frozen variables still count for depth: freezing the last block moves no scale', () => {
  const model = buildTinyVit({ depth: 3 });
  for (const layer of model.layers) if (layer.name.startsWith('blocks_2/')) layer.trainable = false;
  const groups = layerDecayGroups(model, { decay: 0.75, weightDecay: WEIGHT_DECAY });
  assert.is(groups.numLayers, 4);
  for (const row of MAE_TABLE) {
    const a = groups.assignments.find((x) => bare(x.name) === row.tfjs)!;
    assert.is(a.layerId, row.layer, row.tfjs);
    assert.is(a.trainable, !row.tfjs.startsWith('blocks_2/'), row.tfjs);
    assert.is(a.group === null, row.tfjs.startsWith('blocks_2/'), row.tfjs);
  }
  assert.not.ok(groups.some((g) => g.name.startsWith('layer_3')), 'no group for the frozen block');
  assert.is(groups.find((g) => g.name === 'layer_4_decay')!.lrScale, 1);
});

test('DeiT: dist_token in the stem, head_dist with the head (timm deit.py group_matcher)', () => {
  const names = ['cls_token', 'dist_token', 'pos_embed', 'patch_embed.proj.weight', 'blocks.0.attn.qkv.weight', 'norm.weight', 'head.weight', 'head_dist.weight'];
  const groups = layerDecayGroups(names.map((name) => ({ name, shape: [2, 2] })), { decay: 0.5 });
  assert.is(groups.arch, 'vit');
  assert.equal(groups.assignments.map((a) => a.layerId), [0, 0, 0, 0, 1, 2, 2, 2]);
  assert.equal(groups.unmatched, []);
  assert.not.ok(groups.assignments.find((a) => a.name === 'dist_token')!.weightDecay, "timm's no_weight_decay() lists dist_token");
});

test('BEiT names follow BEiT get_num_layer_for_vit: rel_pos_bias at the top, mask_token at 0', () => {
  // beit/optim_factory.py, ported as written (num_max_layer = depth + 2):
  const numMaxLayer = 2 + 2;
  const beitLayer = (name: string) => {
    if (['cls_token', 'mask_token', 'pos_embed'].includes(name)) return 0;
    if (name.startsWith('patch_embed')) return 0;
    if (name.startsWith('rel_pos_bias')) return numMaxLayer - 1;
    if (name.startsWith('blocks')) return Number(name.split('.')[1]) + 1;
    return numMaxLayer - 1;
  };
  // get_parameter_groups: no decay if 1-D, '.bias', or in model.no_weight_decay() = {'pos_embed', 'cls_token'}.
  const beitDecays = (name: string, shape: number[]) => !(shape.length === 1 || name.endsWith('.bias') || ['pos_embed', 'cls_token'].includes(name));
  const D = 8;
  const names: Array<[string, number[]]> = [
    ['cls_token', [1, 1, D]], ['mask_token', [1, 1, D]], ['patch_embed.proj.weight', [D, 3, 4, 4]], ['patch_embed.proj.bias', [D]],
    ['rel_pos_bias.relative_position_bias_table', [12, 2]],
  ];
  for (const i of [0, 1]) {
    names.push(
      [`blocks.${i}.gamma_1`, [D]], [`blocks.${i}.gamma_2`, [D]], [`blocks.${i}.norm1.weight`, [D]], [`blocks.${i}.attn.q_bias`, [D]],
      [`blocks.${i}.attn.v_bias`, [D]], [`blocks.${i}.attn.qkv.weight`, [3 * D, D]], [`blocks.${i}.attn.proj.weight`, [D, D]],
      [`blocks.${i}.mlp.fc1.weight`, [2 * D, D]], [`blocks.${i}.mlp.fc2.weight`, [D, 2 * D]],
    );
  }
  names.push(['fc_norm.weight', [D]], ['fc_norm.bias', [D]], ['head.weight', [3, D]], ['head.bias', [3]]);
  const groups = layerDecayGroups(names.map(([name, shape]) => ({ name, shape })), { decay: 0.65, weightDecay: 0.05 });
  assert.is(groups.arch, 'beit');
  assert.is(groups.numLayers, 3);
  for (const [name, shape] of names) {
    const a = groups.assignments.find((x) => x.name === name)!;
    assert.is(a.layerId, beitLayer(name), name);
    assert.is(a.lrScale, 0.65 ** (numMaxLayer - 1 - beitLayer(name)), `${name} scale`); // values = [d ** (depth + 1 - i)]
    assert.is(a.weightDecay, beitDecays(name, shape), `${name} decay`);
  }
  assert.equal(groups.unmatched, []);
});

test("arch 'vit' with a stray name: it goes to the top but is listed and warned about, never silently", () => {
  const model = buildTinyVit({ depth: 3 });
  const map: Record<string, tf.LayerVariable> = {};
  for (const w of model.weights) map[bare(w.name)] = w;
  map['extra/temperature'] = model.weights[0]!; // a name MAE's rule does not know
  delete map['patch_embed/proj/kernel'];
  const warnings: string[] = [];
  const groups = layerDecayGroups(map, { decay: 0.75, arch: 'vit', warn: (m) => warnings.push(m) });
  assert.equal(groups.unmatched, ['extra/temperature']);
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!, /1 parameter name\(s\) fit no rule of arch vit .*'extra\/temperature'/);
  assert.is(groups.assignments.find((a) => a.name === 'extra/temperature')!.layerId, 4);
  const table = describeGroups(groups).table;
  assert.match(table, /names that fit no rule, put in the top layer 4 \(scale 1\): 1\n {2}extra\/temperature/);
  assert.throws(() => layerDecayGroups(map, { decay: 0.75, arch: 'vit', onUnmatched: 'error' }), /fit no rule of arch vit: 'extra\/temperature'/);
});

test.run();

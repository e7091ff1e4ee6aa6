// Swin layer ids against a port of SimMIM optimizer.py get_swin_layer (block-wise), in SimMIM's
// names, in tfjs spelling with the reload suffix, and in timm >= 0.9's layout (patch merging at the
// start of the next stage); plus the stage-wise table written out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layerDecayGroups } from '../src/layer-decay/index.js';

const DEPTHS = [2, 2, 6, 2];
const SUM = 12;

function simmimSwinLayer(name: string, numLayers: number, depths: number[]): number { // SimMIM get_swin_layer
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (name === 'mask_token') return 0;
  if (name.startsWith('patch_embed')) return 0;
  if (name.startsWith('layers')) {
    const layer = Number(name.split('.')[1]);
    const block = name.split('.')[3]!;
    if (block === 'reduction' || block === 'norm') return sum(depths.slice(0, layer + 1));
    return sum(depths.slice(0, layer)) + Number(block) + 1;
  }
  return numLayers - 1;
}
// SimMIM get_finetune_param_groups: no decay if 1-D, '.bias', 'absolute_pos_embed', or containing 'relative_position_bias_table'.
const simmimDecays = (name: string, shape: number[]) =>
  !(shape.length === 1 || name.endsWith('.bias') || name === 'absolute_pos_embed' || name.includes('relative_position_bias_table'));

/** SimMIM's Swin parameter names: patch merging (downsample) at the end of stages 0..2. */
function simmimNames(mergeAtStart = false): Array<{ name: string; shape: number[] }> {
  const out: Array<{ name: string; shape: number[] }> = [];
  const add = (name: string, shape: number[]) => out.push({ name, shape });
  const C = 96;
  add('patch_embed.proj.weight', [C, 3, 4, 4]); add('patch_embed.proj.bias', [C]);
  add('patch_embed.norm.weight', [C]); add('patch_embed.norm.bias', [C]);
  DEPTHS.forEach((depth, s) => {
    const c = C * 2 ** s;
    if (mergeAtStart && s > 0) {
      add(`layers.${s}.downsample.norm.weight`, [2 * c]); add(`layers.${s}.downsample.norm.bias`, [2 * c]);
      add(`layers.${s}.downsample.reduction.weight`, [c, 2 * c]);
    }
    for (let b = 0; b < depth; b++) {
      const p = `layers.${s}.blocks.${b}`;
      add(`${p}.norm1.weight`, [c]); add(`${p}.norm1.bias`, [c]);
      add(`${p}.attn.relative_position_bias_table`, [169, 3]);
      add(`${p}.attn.qkv.weight`, [3 * c, c]); add(`${p}.attn.qkv.bias`, [3 * c]);
      add(`${p}.attn.proj.weight`, [c, c]); add(`${p}.attn.proj.bias`, [c]);
      add(`${p}.norm2.weight`, [c]); add(`${p}.norm2.bias`, [c]);
      add(`${p}.mlp.fc1.weight`, [4 * c, c]); add(`${p}.mlp.fc1.bias`, [4 * c]);
      add(`${p}.mlp.fc2.weight`, [c, 4 * c]); add(`${p}.mlp.fc2.bias`, [c]);
    }
    if (!mergeAtStart && s < 3) {
      add(`layers.${s}.downsample.reduction.weight`, [2 * c, 4 * c]);
      add(`layers.${s}.downsample.norm.weight`, [4 * c]); add(`layers.${s}.downsample.norm.bias`, [4 * c]);
    }
  });
  add('norm.weight', [768]); add('norm.bias', [768]); add('head.weight', [1000, 768]); add('head.bias', [1000]);
  return out;
}

test('SimMIM names, block-wise: ids, scales and weight decay of get_swin_layer / get_finetune_param_groups', () => {
  const params = simmimNames();
  const groups = layerDecayGroups(params, { decay: 0.9, weightDecay: 0.05 });
  assert.is(groups.arch, 'swin');
  assert.is(groups.numLayers, SUM + 1);
  for (const { name, shape } of params) {
    const id = simmimSwinLayer(name, SUM + 2, DEPTHS);
    const a = groups.assignments.find((x) => x.name === name)!;
    assert.is(a.layerId, id, name);
    // scales = [d ** i for i in reversed(range(num_layers + 2))]; scale = scales[layer_id]
    assert.is(a.lrScale, 0.9 ** (SUM + 1 - id), name);
    assert.is(a.weightDecay, simmimDecays(name, shape), name);
  }
});

test('tfjs spelling with the reload suffix (layers_0/blocks_1/attn/qkv/kernel_1): the same ids', () => {
  const toTfjs = (name: string) => `${name.replace(/\.(\d+)/g, '_$1').replace(/\./g, '/').replace(/\/weight$/, '/kernel')}_1`;
  const params = simmimNames();
  assert.is(toTfjs('layers.0.blocks.1.attn.qkv.weight'), 'layers_0/blocks_1/attn/qkv/kernel_1');
  const groups = layerDecayGroups(params.map((p) => ({ name: toTfjs(p.name), shape: p.shape })), { decay: 0.9 });
  assert.is(groups.arch, 'swin');
  for (const { name } of params) {
    assert.is(groups.assignments.find((x) => x.name === toTfjs(name))!.layerId, simmimSwinLayer(name, SUM + 2, DEPTHS), name);
  }
});

test("timm >= 0.9 keeps patch merging at the start of the next stage: the same module gets SimMIM's id", () => {
  const groups = layerDecayGroups(simmimNames(true), { decay: 0.9 });
  const id = (n: string) => groups.assignments.find((x) => x.name === n)!.layerId;
  // SimMIM's layers.{s-1}.downsample is timm's layers.{s}.downsample: id sum(depths[:s]).
  assert.is(id('layers.1.downsample.reduction.weight'), 2);
  assert.is(id('layers.2.downsample.norm.weight'), 4);
  assert.is(id('layers.3.downsample.reduction.weight'), 10);
  assert.is(id('layers.3.blocks.0.attn.qkv.weight'), 11);
  assert.match(groups.archReason, /patch merging at the start of a stage \(timm\)/);
});

test('stage-wise: stem 0, stage s (with its patch merging) s + 1, head 5', () => {
  const groups = layerDecayGroups(simmimNames(), { decay: 0.5, granularity: 'stage' });
  assert.is(groups.numLayers, 5);
  const expected: Array<[RegExp, number]> = [[/^patch_embed\./, 0], [/^layers\.0\./, 1], [/^layers\.1\./, 2], [/^layers\.2\./, 3], [/^layers\.3\./, 4], [/^(norm|head)\./, 5]];
  for (const a of groups.assignments) {
    const layer = expected.find(([re]) => re.test(a.name))![1];
    assert.is(a.layerId, layer, a.name);
    assert.is(a.lrScale, 0.5 ** (5 - layer), a.name);
  }
});

test.run();

// ConvNeXt layer ids, block-wise and stage-wise:
//  - the original names, depths [3, 3, 27, 3], against ports of the two reference functions
//    (ConvNeXt optim_factory.py get_num_layer_for_convnext; ConvNeXt-V2 get_num_layer_for_convnext_single);
//  - the tiny ConvNeXt in tfjs-layers (timm names), against tables written out here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layerDecayGroups, type LayerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyConvNext } from './support/tiny-convnext.js';

await useBackend('cpu');

// ---- the references, ported line by line ----
function convnextGroupLayer(name: string): number { // ConvNeXt get_num_layer_for_convnext
  const numMaxLayer = 12;
  if (name.startsWith('downsample_layers')) {
    const stage = Number(name.split('.')[1]);
    if (stage === 0) return 0;
    if (stage === 1 || stage === 2) return stage + 1;
    return 12;
  } else if (name.startsWith('stages')) {
    const stage = Number(name.split('.')[1]);
    const block = Number(name.split('.')[2]);
    if (stage === 0 || stage === 1) return stage + 1;
    if (stage === 2) return 3 + Math.floor(block / 3);
    return 12;
  }
  return numMaxLayer + 1;
}
function convnextSingleLayer(name: string, depths: number[]): number { // ConvNeXt-V2 get_num_layer_for_convnext_single
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (name.startsWith('downsample_layers')) return sum(depths.slice(0, Number(name.split('.')[1]))) + 1;
  if (name.startsWith('stages')) {
    const stage = Number(name.split('.')[1]);
    return sum(depths.slice(0, stage)) + Number(name.split('.')[2]) + 1;
  }
  return sum(depths) + 1;
}
// ConvNeXt-V2 get_parameter_groups: no decay if 1-D, '.bias', '.gamma' or '.beta'.
const convnextDecays = (name: string, shape: number[]) => !(shape.length === 1 || /\.(bias|gamma|beta)$/.test(name));

/** The parameters of facebookresearch/ConvNeXt's model, with their shapes. */
function originalNames(depths: number[], dims: number[]): Array<{ name: string; shape: number[] }> {
  const out: Array<{ name: string; shape: number[] }> = [];
  const add = (name: string, shape: number[]) => out.push({ name, shape });
  add('downsample_layers.0.0.weight', [dims[0]!, 3, 4, 4]); add('downsample_layers.0.0.bias', [dims[0]!]);
  add('downsample_layers.0.1.weight', [dims[0]!]); add('downsample_layers.0.1.bias', [dims[0]!]);
  for (let s = 1; s < 4; s++) {
    add(`downsample_layers.${s}.0.weight`, [dims[s - 1]!]); add(`downsample_layers.${s}.0.bias`, [dims[s - 1]!]);
    add(`downsample_layers.${s}.1.weight`, [dims[s]!, dims[s - 1]!, 2, 2]); add(`downsample_layers.${s}.1.bias`, [dims[s]!]);
  }
  depths.forEach((depth, s) => {
    const c = dims[s]!;
    for (let b = 0; b < depth; b++) {
      const p = `stages.${s}.${b}`;
      add(`${p}.gamma`, [c]); add(`${p}.dwconv.weight`, [c, 1, 7, 7]); add(`${p}.dwconv.bias`, [c]);
      add(`${p}.norm.weight`, [c]); add(`${p}.norm.bias`, [c]);
      add(`${p}.pwconv1.weight`, [4 * c, c]); add(`${p}.pwconv1.bias`, [4 * c]);
      add(`${p}.pwconv2.weight`, [c, 4 * c]); add(`${p}.pwconv2.bias`, [c]);
    }
  });
  add('norm.weight', [dims[3]!]); add('norm.bias', [dims[3]!]); add('head.weight', [1000, dims[3]!]); add('head.bias', [1000]);
  return out;
}

const BASE_DEPTHS = [3, 3, 27, 3];
const BASE_DIMS = [128, 256, 512, 1024];

test("granularity 'group' on ConvNeXt-B names = get_num_layer_for_convnext (layer_decay_type 'group')", () => {
  const params = originalNames(BASE_DEPTHS, BASE_DIMS);
  const groups = layerDecayGroups(params, { decay: 0.8, granularity: 'group', weightDecay: 0.05 });
  assert.is(groups.arch, 'convnext');
  assert.is(groups.numLayers, 13); // main.py: num_layers = 12, values d ** (12 + 1 - i) for i in range(14)
  for (const { name, shape } of params) {
    const a = groups.assignments.find((x) => x.name === name)!;
    assert.is(a.layerId, convnextGroupLayer(name), name);
    assert.is(a.lrScale, 0.8 ** (12 + 1 - convnextGroupLayer(name)), name);
    assert.is(a.weightDecay, convnextDecays(name, shape), name);
  }
});

test("granularity 'block' (default) = ConvNeXt-V2 get_num_layer_for_convnext_single, several depths", () => {
  for (const depths of [BASE_DEPTHS, [2, 2, 6, 2], [3, 3, 9, 3]]) {
    const params = originalNames(depths, BASE_DIMS);
    const groups = layerDecayGroups(params, { decay: 0.9 });
    const numLayers = depths.reduce((a, b) => a + b, 0); // main_finetune.py: num_layers = sum(depths)
    assert.is(groups.numLayers, numLayers + 1);
    for (const { name } of params) {
      const a = groups.assignments.find((x) => x.name === name)!;
      assert.is(a.layerId, convnextSingleLayer(name, depths), `${depths}: ${name}`);
      assert.is(a.lrScale, 0.9 ** (numLayers + 1 - convnextSingleLayer(name, depths)), `${depths}: ${name}`);
    }
  }
});

// ---- the tiny ConvNeXt (timm names in tfjs spelling), depths [1, 1, 4, 1] ----
// prefix -> layer id, for each granularity.
const TINY_TABLES: Record<'block' | 'group' | 'stage', { numLayers: number; prefixes: Array<[string, number]> }> = {
  block: {
    numLayers: 8,
    prefixes: [
      ['stem/', 1], ['stages_0/blocks_0/', 1],
      ['stages_1/downsample/', 2], ['stages_1/blocks_0/', 2],
      ['stages_2/downsample/', 3], ['stages_2/blocks_0/', 3], ['stages_2/blocks_1/', 4], ['stages_2/blocks_2/', 5], ['stages_2/blocks_3/', 6],
      ['stages_3/downsample/', 7], ['stages_3/blocks_0/', 7],
      ['head/', 8],
    ],
  },
  group: {
    numLayers: 6,
    prefixes: [
      ['stem/', 0], ['stages_0/blocks_0/', 1],
      ['stages_1/downsample/', 2], ['stages_1/blocks_0/', 2],
      ['stages_2/downsample/', 3], ['stages_2/blocks_0/', 3], ['stages_2/blocks_1/', 3], ['stages_2/blocks_2/', 3], ['stages_2/blocks_3/', 4],
      ['stages_3/downsample/', 5], ['stages_3/blocks_0/', 5],
      ['head/', 6],
    ],
  },
  stage: {
    numLayers: 5,
    prefixes: [
      ['stem/', 0], ['stages_0/', 1], ['stages_1/', 2], ['stages_2/', 3], ['stages_3/', 4], ['head/', 5],
    ],
  },
};

function checkTiny(groups: LayerDecayGroups, granularity: keyof typeof TINY_TABLES, decay: number) {
  const table = TINY_TABLES[granularity];
  assert.is(groups.numLayers, table.numLayers, granularity);
  for (const a of groups.assignments) {
    const matches = table.prefixes.filter(([p]) => a.name.startsWith(p));
    assert.is(matches.length, 1, `${granularity}: ${a.name} has one prefix in the table`);
    const layer = matches[0]![1];
    assert.is(a.layerId, layer, `${granularity}: ${a.name}`);
    assert.is(a.lrScale, decay ** (table.numLayers - layer), `${granularity}: ${a.name}`);
    // Every 1-D parameter (biases, norms, the layer scale 'ls/gamma') is kept out of weight decay.
    assert.is(a.weightDecay, a.shape.length > 1, `${a.name}: decay`);
  }
}

test('tiny ConvNeXt in tfjs-layers: block-wise, 3-block groups, stage-wise', () => {
  const model = buildTinyConvNext({ depths: [1, 1, 4, 1] });
  for (const granularity of ['block', 'group', 'stage'] as const) {
    const groups = layerDecayGroups(model, { decay: 0.7, granularity, weightDecay: 0.05 });
    assert.is(groups.arch, 'convnext');
    assert.ok(groups.archReason.includes('depths [1, 1, 4, 1]'), groups.archReason);
    checkTiny(groups, granularity, 0.7);
  }
});

test('granularity must be block, group or stage', () => {
  const model = buildTinyConvNext({ depths: [1, 1, 1, 1] });
  assert.throws(() => layerDecayGroups(model, { decay: 0.7, granularity: 'layer' as 'block' }), /granularity must be one of block, group, stage; got 'layer'/);
});

test.run();

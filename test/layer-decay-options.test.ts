// The options of layerDecayGroups: custom layerId, rules, numLayers, noWeightDecay, minScale,
// freezeBelow, merging; and the errors for bad input, each naming the offending parameter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupedOptimizer } from '../src/optimizer.js';
import { layerDecayGroups, describeGroups, type LayerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyVit } from './support/tiny-vit.js';

await useBackend('cpu');

const vit = buildTinyVit({ depth: 3 }); // numLayers 4
const bare = (n: string) => n.replace(/_\d+$/, '');
const idOf = (groups: LayerDecayGroups, name: string) => groups.assignments.find((a) => bare(a.name) === name)!;
const summary = (groups: LayerDecayGroups) => groups.map((g) => [g.name, g.lrScale, g.weightDecay ?? 'default', g.params.length]);

test('rules alone (timm-style matchers) on names no architecture knows; numLayers from the rules', () => {
  const params = ['embed.weight', 'layer1.conv.weight', 'layer1.conv.bias', 'layer2.conv.weight', 'out.weight', 'out.bias']
    .map((name) => ({ name, shape: name.endsWith('bias') ? [4] : [4, 4] }));
  const groups = layerDecayGroups(params, {
    decay: 0.5,
    rules: [[/^embed\./, 0], [/^layer(\d+)\./, (m) => Number(m[1])], [/^out\./, 'top']],
  });
  assert.is(groups.arch, null);
  assert.is(groups.numLayers, 3, "the deepest rule id (2), plus one for 'top'");
  assert.equal(groups.assignments.map((a) => [a.name, a.layerId, a.lrScale]), [
    ['embed.weight', 0, 0.125], ['layer1.conv.weight', 1, 0.25], ['layer1.conv.bias', 1, 0.25],
    ['layer2.conv.weight', 2, 0.5], ['out.weight', 3, 1], ['out.bias', 3, 1],
  ]);
  assert.ok(groups.assignments.every((a) => a.source === 'rule'));
});

test('rules and a custom layerId come before the architecture; rules see tfjs and dotted names', () => {
  const groups = layerDecayGroups(vit, {
    decay: 0.5,
    layerId: (name, numLayers) => (name.startsWith('pos_embed') ? numLayers : undefined),
    rules: [[/^head\//, 3], [/^blocks\.2\.mlp\./, 2]],
  });
  assert.is(groups.arch, 'vit');
  assert.is(idOf(groups, 'pos_embed').layerId, 4);
  assert.is(idOf(groups, 'pos_embed').source, 'layerId');
  assert.is(idOf(groups, 'head/kernel').layerId, 3);
  assert.is(idOf(groups, 'blocks_2/mlp/fc1/kernel').layerId, 2, 'a dotted rule matches the canonical spelling');
  assert.is(idOf(groups, 'blocks_2/attn/qkv/kernel').layerId, 3);
  assert.is(idOf(groups, 'cls_token').layerId, 0);
});

test('a custom layerId that returns a non-integer or an id out of range: an error naming the parameter', () => {
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, layerId: (n) => (n.startsWith('head') ? 2.5 : null) }),
    /layerId\('head\/kernel(_\d+)?', 4\) returned 2.5: a layer id must be an integer from 0 to 4 \(numLayers\)/);
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, layerId: (n) => (n.startsWith('norm') ? 9 : null) }),
    /layerId\('norm\/gamma(_\d+)?', 4\) returned 9/);
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, layerId: () => -1 }), /returned -1/);
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, rules: [[/^head/, 'x' as unknown as number]] }), /rules\[0\] must be \[RegExp, number \| 'top' \| \(match\) => id\]/);
  const unknownNames = [{ name: 'foo', shape: [2] }];
  assert.throws(() => layerDecayGroups(unknownNames, { decay: 0.5, layerId: () => 0 }), /a custom layerId needs numLayers/);
  assert.is(layerDecayGroups(unknownNames, { decay: 0.5, layerId: () => 0, numLayers: 2 })[0]!.lrScale, 0.25);
});

test('numLayers: larger shifts every scale down; smaller than the deepest layer is an error', () => {
  const groups = layerDecayGroups(vit, { decay: 0.5, numLayers: 6 });
  assert.is(groups.numLayers, 6);
  assert.is(idOf(groups, 'blocks_0/attn/qkv/kernel').lrScale, 0.5 ** 5);
  assert.is(idOf(groups, 'head/kernel').layerId, 6);
  assert.is(idOf(groups, 'head/kernel').lrScale, 1);
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, numLayers: 2 }),
    /numLayers 2 is smaller than the deepest layer found: 'blocks_2\/[^']+' is in layer 3 \(by arch vit\)/);
  assert.throws(() => layerDecayGroups(vit, { decay: 0.5, numLayers: 2.5 }), /numLayers must be an integer >= 0/);
});

test('noWeightDecay globs match tfjs or dotted names and replace the architecture list', () => {
  const a = layerDecayGroups(vit, { decay: 0.5, weightDecay: 0.1, noWeightDecay: ['blocks_0/*', '*.mlp.fc2.*'] });
  for (const x of a.assignments) {
    const expectNoDecay = x.shape.length <= 1 || bare(x.name).startsWith('blocks_0/') || /\/mlp\/fc2\//.test(x.name);
    assert.is(x.weightDecay, !expectNoDecay, x.name);
  }
  const none = layerDecayGroups(vit, { decay: 0.5, weightDecay: 0.1, noWeightDecay: [] });
  assert.ok(idOf(none, 'cls_token').weightDecay && idOf(none, 'pos_embed').weightDecay, 'with [] the 3-D tokens are decayed');
});

test('minScale floors the scales; equal groups merge, named by their layers', () => {
  const groups = layerDecayGroups(vit, { decay: 0.5, weightDecay: 0.05, minScale: 0.2 });
  assert.equal(summary(groups), [
    ['layers_0-1_decay', 0.2, 0.05, 5], ['layers_0-1_no_decay', 0.2, 0, 11],
    ['layer_2_decay', 0.25, 0.05, 4], ['layer_2_no_decay', 0.25, 0, 8],
    ['layer_3_decay', 0.5, 0.05, 4], ['layer_3_no_decay', 0.5, 0, 8],
    ['layer_4_decay', 1, 0.05, 1], ['layer_4_no_decay', 1, 0, 3],
  ]);
  assert.equal([...groups[0]!.layerIds], [0, 1]);
  new GroupedOptimizer('adamw', groups, { learningRate: 1e-3 }); // accepted as is
});

test('freezeBelow: layers under the threshold share one frozen group (lrScale 0)', () => {
  const groups = layerDecayGroups(vit, { decay: 0.5, weightDecay: 0.05, freezeBelow: 0.2 });
  assert.equal(summary(groups)[0], ['layers_0-1_frozen', 0, 0, 16]);
  assert.is(groups.length, 7);
  assert.is(idOf(groups, 'blocks_0/mlp/fc1/kernel').lrScale, 0);
  assert.is(idOf(groups, 'blocks_0/mlp/fc1/kernel').scale, 0.125);
  const optimizer = new GroupedOptimizer('adamw', groups, { learningRate: 1e-3 });
  assert.is(optimizer.paramGroups[0]!.lrScale, 0);
});

test('decay 1 or weightDecay 0 make groups equal: they merge; merge: false keeps them apart', () => {
  assert.equal(summary(layerDecayGroups(vit, { decay: 1, weightDecay: 0.05 })), [['layers_0-4_decay', 1, 0.05, 14], ['layers_0-4_no_decay', 1, 0, 30]]);
  assert.equal(summary(layerDecayGroups(vit, { decay: 1, weightDecay: 0 })), [['layers_0-4', 1, 0, 44]]);
  assert.equal(summary(layerDecayGroups(vit, { decay: 0.5, weightDecay: 0 })).map((r) => r[0]), ['layer_0', 'layer_1', 'layer_2', 'layer_3', 'layer_4']);
  const apart = layerDecayGroups(vit, { decay: 1, weightDecay: 0.05, merge: false });
  assert.is(apart.length, 10);
  assert.is(apart[0]!.name, 'layer_0_decay');
  // Without weightDecay, decay groups leave it to the optimizer (adamw: 0.01).
  const defaults = layerDecayGroups(vit, { decay: 0.5 });
  assert.not.ok('weightDecay' in defaults.find((g) => g.name === 'layer_1_decay')!);
  assert.is(defaults.find((g) => g.name === 'layer_1_no_decay')!.weightDecay, 0);
  const optimizer = new GroupedOptimizer('adamw', defaults, { learningRate: 1e-3 });
  assert.is(optimizer.paramGroups.find((g) => g.name === 'layer_1_decay')!.weightDecay, 0.01);
});

test('bad options: errors that name the option', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ decay: 0 }, /decay must be a number in \(0, 1\]/],
    [{ decay: 1.2 }, /decay must be a number in \(0, 1\].*got 1.2/],
    [{}, /decay must be a number in \(0, 1\].*got undefined/],
    [{ decay: 0.5, arch: 'densenet' }, /arch must be one of auto, vit, beit, bert, convnext, swin, mobilenetv1, mobilenetv2, resnet, efficientnet, sequential; got 'densenet'/],
    [{ decay: 0.5, lr: 1 }, /unknown option 'lr'/],
    [{ decay: 0.5, minScale: 2 }, /minScale must be a number from 0 to 1, got 2/],
    [{ decay: 0.5, freezeBelow: -0.1 }, /freezeBelow must be a number from 0 to 1/],
    [{ decay: 0.5, weightDecay: -1 }, /weightDecay must be a number from 0/],
    [{ decay: 0.5, noWeightDecay: 'bias' }, /noWeightDecay must be a list of glob strings/],
    [{ decay: 0.5, onUnmatched: 'ignore' }, /onUnmatched must be 'warn' or 'error'/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => layerDecayGroups(vit, options as never), message, JSON.stringify(options));
  }
  assert.throws(() => layerDecayGroups(42 as never, { decay: 0.5 }), /source must be a LayersModel, a list of variables/);
  assert.throws(() => layerDecayGroups([{ name: 'a', shape: [1] }, { name: 'a', shape: [1] }], { decay: 0.5, rules: [[/a/, 0]] }), /two parameters are named 'a'/);
});

test('describeGroups on plain GroupSpecs: rows from the params, counts where shapes are known', () => {
  const [kernel, bias] = [vit.getLayer('head').weights[0]!, vit.getLayer('head').weights[1]!];
  const d = describeGroups([{ name: 'head', params: [kernel, bias], lrScale: 2 }, { name: 'rest', params: [/^blocks/], weightDecay: 0.1 }]);
  assert.equal(d.rows.map((r) => [r.group, r.layers, r.variables.length, r.parameterCount, r.lrScale, r.weightDecay]), [
    ['head', '', 2, 27, 2, null], ['rest', '', 1, null, 1, 0.1],
  ]);
  assert.is(d.arch, null);
  assert.is(d.table, [
    'group  layers  variables  parameters  lrScale  weightDecay',
    'head                   2          27        2      default',
    'rest                   1           ?        1          0.1',
    'total                  3           ?',
  ].join('\n'));
});

test.run();

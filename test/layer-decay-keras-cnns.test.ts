// Block-level layer ids for CNNs under Keras applications' names (test/support/tiny-keras-cnns.ts),
// as timm's group_matcher groups them: stem 0, each block (or stage) the next id, a final conv / norm
// with the last block, the classifier and any new layer after the backbone at the top. The tables
// below are written by hand, layer by layer, from those rules for the tiny models' block counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { layerDecayGroups, describeGroups, type LayerDecayOptions } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { tinyEfficientNet, tinyMobileNetV1, tinyMobileNetV2, tinyResNet } from './support/tiny-keras-cnns.js';

await useBackend('cpu');

/** `name id` lines -> {layer name: id}. */
const table = (text: string): Record<string, number> =>
  Object.fromEntries(text.trim().split('\n').flatMap((line) => {
    const parts = line.trim().split(/\s+/);
    const id = Number(parts.pop());
    return parts.map((name) => [name, id]);
  }));

// MobileNet v1 with 4 blocks (strides [1, 2, 1, 2]) and its Keras top: ids 0..5.
const MOBILENET_V1 = table(`
  conv1 conv1_bn                                  0
  conv_dw_1 conv_dw_1_bn conv_pw_1 conv_pw_1_bn   1
  conv_dw_2 conv_dw_2_bn conv_pw_2 conv_pw_2_bn   2
  conv_dw_3 conv_dw_3_bn conv_pw_3 conv_pw_3_bn   3
  conv_dw_4 conv_dw_4_bn conv_pw_4 conv_pw_4_bn   4
  conv_preds                                      5
`);
// MobileNet v2 with blocks 0..3: Conv_1 joins the last block (timm's conv_head, MATCH_PREV_GROUP).
const MOBILENET_V2 = table(`
  Conv1 bn_Conv1                                                                                         0
  expanded_conv_depthwise expanded_conv_depthwise_BN expanded_conv_project expanded_conv_project_BN      1
  block_1_expand block_1_expand_BN block_1_depthwise block_1_depthwise_BN block_1_project block_1_project_BN   2
  block_2_expand block_2_expand_BN block_2_depthwise block_2_depthwise_BN block_2_project block_2_project_BN   3
  block_3_expand block_3_expand_BN block_3_depthwise block_3_depthwise_BN block_3_project block_3_project_BN   4
  Conv_1 Conv_1_bn                                                                                       4
  predictions                                                                                            5
`);
/** A bottleneck block's layers with weights; a stage's first block has the `_0_` shortcut conv. */
const resnetBlock = (name: string) =>
  [...(name.endsWith('block1') ? ['0_conv', '0_bn'] : []), '1_conv', '1_bn', '2_conv', '2_bn', '3_conv', '3_bn'].map((s) => `${name}_${s}`).join(' ');
// ResNet v1 with stages conv2 (2 blocks), conv3 (1), conv4 (2).
const RESNET_BY_BLOCK = table(`
  conv1_conv conv1_bn                0
  ${resnetBlock('conv2_block1')}     1
  ${resnetBlock('conv2_block2')}     2
  ${resnetBlock('conv3_block1')}     3
  ${resnetBlock('conv4_block1')}     4
  ${resnetBlock('conv4_block2')}     5
  predictions                        6
`);
const RESNET_BY_STAGE = table(`
  conv1_conv conv1_bn                                             0
  ${resnetBlock('conv2_block1')} ${resnetBlock('conv2_block2')}   1
  ${resnetBlock('conv3_block1')}                                  2
  ${resnetBlock('conv4_block1')} ${resnetBlock('conv4_block2')}   3
  predictions                                                     4
`);
const resnetV2Block = (name: string) =>
  ['preact_bn', ...(name.endsWith('block1') ? ['0_conv'] : []), '1_conv', '1_bn', '2_conv', '2_bn', '3_conv'].map((s) => `${name}_${s}`).join(' ');
// ResNet v2: pre-activation blocks, post_bn with the last block (timm's ResNetV2 `norm`).
const RESNET_V2_BY_BLOCK = table(`
  conv1_conv                           0
  ${resnetV2Block('conv2_block1')}     1
  ${resnetV2Block('conv2_block2')}     2
  ${resnetV2Block('conv3_block1')}     3
  ${resnetV2Block('conv4_block1')}     4
  ${resnetV2Block('conv4_block2')}     5
  post_bn                              5
  predictions                          6
`);
/** An MBConv block's layers with weights; stage 1 has no expansion (expand ratio 1, as in EfficientNet). */
const mbconv = (name: string) =>
  [...(name.startsWith('block1') ? [] : ['expand_conv', 'expand_bn']), 'dwconv', 'bn', 'se_reduce', 'se_expand', 'project_conv', 'project_bn'].map((s) => `${name}_${s}`).join(' ');
// EfficientNet with stages of [1, 2, 1] blocks; top_conv / top_bn with the last block (timm's conv_head|bn2).
const EFFICIENTNET_BY_BLOCK = table(`
  stem_conv stem_bn      0
  ${mbconv('block1a')}   1
  ${mbconv('block2a')}   2
  ${mbconv('block2b')}   3
  ${mbconv('block3a')}   4
  top_conv top_bn        4
  predictions            5
`);
const EFFICIENTNET_BY_STAGE = table(`
  stem_conv stem_bn                          0
  ${mbconv('block1a')}                       1
  ${mbconv('block2a')} ${mbconv('block2b')}  2
  ${mbconv('block3a')} top_conv top_bn       3
  predictions                                4
`);

const layerOf = (variable: string) => variable.slice(0, variable.lastIndexOf('/'));

interface Case { label: string; build: () => tf.LayersModel; arch: string; options?: Partial<LayerDecayOptions>; ids: Record<string, number> }
const CASES: Case[] = [
  { label: 'MobileNet v1', build: () => tinyMobileNetV1(), arch: 'mobilenetv1', ids: MOBILENET_V1 },
  { label: 'MobileNet v2', build: () => tinyMobileNetV2(), arch: 'mobilenetv2', ids: MOBILENET_V2 },
  { label: 'ResNet, per block', build: () => tinyResNet(), arch: 'resnet', ids: RESNET_BY_BLOCK },
  { label: 'ResNet, per stage', build: () => tinyResNet(), arch: 'resnet', options: { granularity: 'stage' }, ids: RESNET_BY_STAGE },
  { label: 'ResNet v2, per block', build: () => tinyResNet([2, 1, 2], { v2: true }), arch: 'resnet', ids: RESNET_V2_BY_BLOCK },
  { label: 'EfficientNet, per block', build: () => tinyEfficientNet(), arch: 'efficientnet', ids: EFFICIENTNET_BY_BLOCK },
  { label: 'EfficientNet, per stage', build: () => tinyEfficientNet(), arch: 'efficientnet', options: { granularity: 'stage' }, ids: EFFICIENTNET_BY_STAGE },
];

for (const c of CASES) {
  test(`${c.label}: arch 'auto' finds ${c.arch} by name; every variable has its block's id and decay ** (top − id)`, () => {
    const warnings: string[] = [];
    const groups = layerDecayGroups(c.build(), { decay: 0.5, ...c.options, warn: (m) => warnings.push(m) });
    assert.is(groups.arch, c.arch);
    assert.equal(warnings, []);
    const top = Math.max(...Object.values(c.ids));
    assert.is(groups.numLayers, top);
    const seen = new Set<string>();
    for (const a of groups.assignments) {
      const layer = layerOf(a.name);
      assert.ok(layer in c.ids, `${a.name}: layer '${layer}' is in no table row`);
      assert.is(a.layerId, c.ids[layer], a.name);
      assert.is(a.lrScale, 0.5 ** (top - c.ids[layer]!), a.name);
      seen.add(layer);
    }
    assert.equal([...seen].sort(), Object.keys(c.ids).sort(), 'every row of the table is a layer of the model');
  });
}

test('selected by name: the same ids; names of another table or an unsupported granularity are refused', () => {
  const resnet = tinyResNet();
  const auto = layerDecayGroups(resnet, { decay: 0.5 });
  const given = layerDecayGroups(resnet, { decay: 0.5, arch: 'resnet' });
  assert.equal(given.assignments.map((a) => a.layerId), auto.assignments.map((a) => a.layerId));
  assert.is(given.archReason.startsWith('given'), true);
  assert.throws(() => layerDecayGroups(resnet, { decay: 0.5, arch: 'mobilenetv1' }), /arch 'mobilenetv1' does not fit these parameters: no layer is named as a block \(conv_dw_N \/ conv_pw_N\)/);
  assert.throws(() => layerDecayGroups(tinyMobileNetV1(), { decay: 0.5, granularity: 'stage' }), /arch 'mobilenetv1': granularity 'stage' needs stage numbers in the layer names/);
});

test('from the names alone (a list of variables, no graph): the same ids', () => {
  for (const c of CASES) {
    const model = c.build();
    const fromGraph = layerDecayGroups(model, { decay: 0.5, ...c.options });
    const fromNames = layerDecayGroups(model.weights, { decay: 0.5, ...c.options, warn: (m) => assert.unreachable(m) });
    assert.is(fromNames.arch, c.arch, c.label);
    assert.equal(fromNames.assignments.map((a) => a.layerId), fromGraph.assignments.map((a) => a.layerId), c.label);
  }
});

/** The tfjs transfer-learning shape: MobileNet v1 cut at conv_pw_3_relu, in a new Sequential with a new head. */
function truncatedWithNewHead() {
  const mobilenet = tinyMobileNetV1();
  const cut = mobilenet.getLayer('conv_pw_3_relu').output as tf.SymbolicTensor;
  const truncated = tf.model({ inputs: mobilenet.inputs, outputs: cut, name: 'truncated_mobilenet' });
  return tf.sequential({
    layers: [
      truncated,
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ units: 6, activation: 'relu', name: 'dense_Dense1' }),
      tf.layers.dense({ units: 2, name: 'dense_Dense2' }),
    ],
  });
}
// conv1 0, blocks 1..3, both new dense layers at the top (4); block 4 and conv_preds were cut off.
const TRUNCATED = table(`
  conv1 conv1_bn                                  0
  conv_dw_1 conv_dw_1_bn conv_pw_1 conv_pw_1_bn   1
  conv_dw_2 conv_dw_2_bn conv_pw_2 conv_pw_2_bn   2
  conv_dw_3 conv_dw_3_bn conv_pw_3 conv_pw_3_bn   3
  dense_Dense1 dense_Dense2                       4
`);

async function saveModelJson(model: tf.LayersModel, folder: string): Promise<string> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    // model.json alone: inspect reads the topology and the manifest's shapes, not the weight files.
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return join(folder, 'model.json');
}

test('a truncated backbone in a new model with a new head: the head and any new layer at the top, in memory and saved', async () => {
  const model = truncatedWithNewHead();
  const warnings: string[] = [];
  const groups = layerDecayGroups(model, { decay: 0.5, warn: (m) => warnings.push(m) });
  assert.is(groups.arch, 'mobilenetv1');
  assert.equal(warnings, [], 'the graph shows the new layers after the backbone: nothing unmatched');
  assert.is(groups.numLayers, 4);
  for (const a of groups.assignments) assert.is(a.layerId, TRUNCATED[layerOf(a.name)], a.name);
  const dir = mkdtempSync(join(tmpdir(), 'keras-cnn-'));
  try {
    const file = await saveModelJson(model, dir);
    const saved = layerDecayGroups(JSON.parse(readFileSync(file, 'utf8')), { decay: 0.5 });
    // Saved in another order, under the names without tfjs' suffix for a name already taken.
    const byName = (g: typeof groups) => g.assignments.map((a) => `${a.name.replace(/_\d+$/, '')} ${a.layerId}`).sort();
    assert.equal(byName(saved), byName(groups));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Without a graph nothing shows where the new layers are: they go to the top, and are reported.
  const fromNames = layerDecayGroups(model.weights, { decay: 0.5, warn: (m) => warnings.push(m) });
  assert.equal(fromNames.unmatched, ['dense_Dense1/kernel', 'dense_Dense1/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias']);
  assert.equal(fromNames.assignments.map((a) => a.layerId), groups.assignments.map((a) => a.layerId));
  assert.is(warnings.length, 1);
});

test('a layer that fits no table inside the backbone is reported, not silently put at the top', () => {
  const input = tf.input({ shape: [16, 16, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv1', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'adapter' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, name: 'conv_dw_1', useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'conv_pw_1', useBias: false }).apply(x) as tf.SymbolicTensor;
  const warnings: string[] = [];
  const groups = layerDecayGroups(tf.model({ inputs: input, outputs: x }), { decay: 0.5, warn: (m) => warnings.push(m) });
  assert.equal(groups.unmatched, ['adapter/kernel', 'adapter/bias']);
  assert.match(warnings.join('\n'), /2 parameter name\(s\) fit no rule of arch mobilenetv1 and were put in the top layer \(2, scale 1\)/);
  assert.match(describeGroups(groups).table, /names that fit no rule, put in the top layer 2 \(scale 1\): 2\n {2}adapter\/kernel\n {2}adapter\/bias/);
});

test('inspect, the built command, on a saved truncated MobileNet with a new head', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keras-cnn-inspect-'));
  try {
    const file = await saveModelJson(truncatedWithNewHead(), dir);
    const cli = resolve(import.meta.dirname, '../bin/tfjs-layer-decay.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'inspect', file, ...args], { encoding: 'utf8' });
    const text = run('--decay', '0.5');
    assert.is(text.status, 0, text.stderr);
    // decay 0.5, layers 0..4. Parameters: conv1 3·3·3·4 = 108 (+ bn 8 trained); block 1: dw 3·3·4 = 36,
    // pw 4·4 = 16 (+ 2 bn × 8); block 2: 36 + 4·4 = 16 (+ 16); block 3: dw 36, pw 4·8 = 32 (+ bn 8 + 16);
    // dense_Dense1 8·6 + 6, dense_Dense2 6·2 + 2. 7 BatchNormalizations: 14 moving statistics, not trained.
    assert.fixture(text.stdout, `layer decay 0.5, layers 0..4, arch mobilenetv1 (auto: Keras layer names conv_dw_N / conv_pw_N (3 blocks, one layer per block; new layers after the backbone at the top))
group             layers  variables  parameters  lrScale  weightDecay
layer_0_decay     0               1         108   0.0625      default
layer_0_no_decay  0               2           8   0.0625            0
layer_1_decay     1               2          52    0.125      default
layer_1_no_decay  1               4          16    0.125            0
layer_2_decay     2               2          52     0.25      default
layer_2_no_decay  2               4          16     0.25            0
layer_3_decay     3               2          68      0.5      default
layer_3_no_decay  3               4          24      0.5            0
layer_4_decay     4               2          60        1      default
layer_4_no_decay  4               2           8        1            0
total                            25         412
no weight decay: 16 variable(s) 1-D
not trained (frozen or non-trainable, in no group): 14 variable(s)
`);
    const json = JSON.parse(run('--decay', '0.5', '--arch', 'mobilenetv1', '--json').stdout);
    assert.is(json.arch, 'mobilenetv1');
    assert.is(json.numLayers, 4);
    assert.equal(json.rows.map((r: { group: string }) => r.group).slice(-2), ['layer_4_decay', 'layer_4_no_decay']);
    assert.equal(json.rows.at(-2).variables, ['dense_Dense1/kernel', 'dense_Dense2/kernel']);
    const wrong = run('--decay', '0.5', '--arch', 'resnet');
    assert.is(wrong.status, 1);
    assert.match(wrong.stderr, /arch 'resnet' does not fit these parameters: no layer is named as a block \(convS_blockB_\*\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

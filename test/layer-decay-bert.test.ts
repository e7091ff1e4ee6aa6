// BERT layer ids: embeddings -> 0, encoder layer i -> i + 1, pooler / classifier -> top
// (numLayers = layers + 1), for the tiny BERT in tfjs-layers and for Hugging Face names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layerDecayGroups } from '../src/layer-decay/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyBert } from './support/tiny-bert.js';

await useBackend('cpu');

// Variable-name prefix -> layer id, for a 2-layer BERT (numLayers 3).
const PREFIXES: Array<[string, number]> = [
  ['embeddings/', 0],
  ['encoder/layer_0/', 1],
  ['encoder/layer_1/', 2],
  ['pooler/', 3],
  ['classifier/', 3],
];
const SCALES = [0.421875, 0.5625, 0.75, 1]; // 0.75 ** (3 - i)

test('tiny BERT in tfjs-layers: layer ids by prefix, scales, 1-D params without weight decay', () => {
  const model = buildTinyBert({ depth: 2 });
  const groups = layerDecayGroups(model, { decay: 0.75, weightDecay: 0.01 });
  assert.is(groups.arch, 'bert');
  assert.is(groups.numLayers, 3);
  assert.is(groups.assignments.length, model.weights.length);
  for (const a of groups.assignments) {
    const matches = PREFIXES.filter(([p]) => a.name.startsWith(p));
    assert.is(matches.length, 1, `${a.name}: exactly one prefix of the table`);
    const layer = matches[0]![1];
    assert.is(a.layerId, layer, a.name);
    assert.is(a.lrScale, SCALES[layer], a.name);
    assert.is(a.weightDecay, a.shape.length > 1, `${a.name}: decay only for matrices`);
  }
  // Spot checks written out.
  const id = (n: string) => groups.assignments.find((a) => a.name.replace(/_\d+$/, '') === n)!.layerId;
  assert.is(id('embeddings/word_embeddings/embeddings'), 0);
  assert.is(id('embeddings/position_embeddings/embeddings'), 0);
  assert.is(id('embeddings/LayerNorm/gamma'), 0);
  assert.is(id('encoder/layer_0/attention/self/query/kernel'), 1);
  assert.is(id('encoder/layer_1/output/LayerNorm/beta'), 2);
  assert.is(id('pooler/dense/kernel'), 3);
  assert.is(id('classifier/kernel'), 3);
  assert.equal(groups.map((g) => g.name), [
    'layer_0_decay', 'layer_0_no_decay', 'layer_1_decay', 'layer_1_no_decay',
    'layer_2_decay', 'layer_2_no_decay', 'layer_3_decay', 'layer_3_no_decay',
  ]);
});

test('Hugging Face names (bert.encoder.layer.N...) and the TF names ELECTRA keys on (electra/encoder/layer_N/...)', () => {
  const hf: Array<[string, number[], number]> = [
    ['bert.embeddings.word_embeddings.weight', [30522, 8], 0],
    ['bert.embeddings.position_embeddings.weight', [512, 8], 0],
    ['bert.embeddings.token_type_embeddings.weight', [2, 8], 0],
    ['bert.embeddings.LayerNorm.weight', [8], 0],
    ['bert.embeddings.LayerNorm.bias', [8], 0],
    ['bert.encoder.layer.0.attention.self.query.weight', [8, 8], 1],
    ['bert.encoder.layer.0.attention.output.LayerNorm.weight', [8], 1],
    ['bert.encoder.layer.0.intermediate.dense.weight', [32, 8], 1],
    ['bert.encoder.layer.11.output.dense.weight', [8, 32], 12],
    ['bert.encoder.layer.11.output.dense.bias', [8], 12],
    ['bert.pooler.dense.weight', [8, 8], 13],
    ['classifier.weight', [2, 8], 13],
    ['classifier.bias', [2], 13],
  ];
  const groups = layerDecayGroups(hf.map(([name, shape]) => ({ name, shape })), { decay: 0.9 });
  assert.is(groups.arch, 'bert');
  assert.is(groups.numLayers, 13);
  for (const [name, , layer] of hf) {
    const a = groups.assignments.find((x) => x.name === name)!;
    assert.is(a.layerId, layer, name);
    assert.is(a.lrScale, 0.9 ** (13 - layer), name);
  }
  const tf = [
    ['electra/embeddings/word_embeddings', 0], ['electra/embeddings_project/kernel', 0],
    ['electra/encoder/layer_0/attention/self/query/kernel', 1], ['electra/encoder/layer_3/output/dense/kernel_1', 4],
    ['electra/pooler/dense/kernel', 5],
  ] as const;
  const g2 = layerDecayGroups(tf.map(([name]) => ({ name, shape: [4, 4] })), { decay: 0.8 });
  for (const [name, layer] of tf) assert.is(g2.assignments.find((x) => x.name === name)!.layerId, layer, name);
});

test("arch 'vit' on a BERT: an error that says what is missing", () => {
  const model = buildTinyBert({ depth: 2 });
  assert.throws(() => layerDecayGroups(model, { decay: 0.75, arch: 'vit' }), /arch 'vit' does not fit these parameters: no name is a transformer block \('blocks\.N\.…' or 'blocks_N\/…'\)/);
  assert.throws(() => layerDecayGroups(model, { decay: 0.75, arch: 'convnext' }), /arch 'convnext' does not fit/);
});

test.run();

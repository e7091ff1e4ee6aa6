// `tfjs-layer-decay inspect <model.json> --decay d`: on a tiny ViT saved in this test (model.json
// and weights.bin written by a tf.io.withSaveHandler, as tfjs-node's file:// handler would), the
// table and the JSON are what MAE's grouping gives (written out), through main() and the real CLI;
// a checkpoint saved with its optimizer gives the same table; bad command lines exit 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { main, type CommandOutput } from '../src/layer-decay/inspect-command.js';
import { install, layerDecayGroups } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { buildTinyVit } from './support/tiny-vit.js';
import { buildTinyBert } from './support/tiny-bert.js';

await useBackend('cpu');

const dir = mkdtempSync(join(tmpdir(), 'layer-decay-inspect-'));

/** Writes model.json + weights.bin, the layout of tfjs' file:// and http:// handlers. */
async function saveToFolder(model: tf.LayersModel, folder: string, config?: tf.io.SaveConfig): Promise<string> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData!;
    const bytes = Array.isArray(data) ? Buffer.concat(data.map((b) => Buffer.from(b))) : Buffer.from(data as ArrayBuffer);
    writeFileSync(join(folder, 'weights.bin'), bytes);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    writeFileSync(join(folder, 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), config);
  return join(folder, 'model.json');
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const out: CommandOutput = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

const vitFolder = mkdtempSync(join(dir, 'vit-'));
const vitJson = await saveToFolder(buildTinyVit({ depth: 2 }), vitFolder);

// A 2-block ViT (numLayers 3), decay 0.75 -> scales 0.421875, 0.5625, 0.75, 1. Parameter counts:
// patch_embed kernel 4·4·3·8 = 384; bias 8 + cls_token 8 + pos_embed 5·8 = 56; a block's matrices
// 8·24 + 8·8 + 8·16 + 16·8 = 512, its vectors 8+8 + 24 + 8 + 8+8 + 16 + 8 = 88; head 8·3 = 24; norm 16 + head bias 3 = 19.
const VIT_TABLE = `layer decay 0.75, layers 0..3, arch vit (auto: names blocks.N with patch_embed / cls_token / pos_embed (2 blocks))
group             layers  variables  parameters   lrScale  weightDecay
layer_0_decay     0               1         384  0.421875         0.05
layer_0_no_decay  0               3          56  0.421875            0
layer_1_decay     1               4         512    0.5625         0.05
layer_1_no_decay  1               8          88    0.5625            0
layer_2_decay     2               4         512      0.75         0.05
layer_2_no_decay  2               8          88      0.75            0
layer_3_decay     3               1          24         1         0.05
layer_3_no_decay  3               3          19         1            0
total                            32        1683
no weight decay: 20 variable(s) 1-D, 2 in the no-weight-decay list:
  cls_token  variable name matches 'cls_token'
  pos_embed  variable name matches 'pos_embed'
`;

test('the table for a saved tiny ViT, from model.json alone', async () => {
  rmSync(join(vitFolder, 'weights.bin')); // the shapes come from the manifest: weight files are not read
  const { code, stdout, stderr } = await run([vitJson, '--decay', '0.75', '--weight-decay', '0.05']);
  assert.is(stderr, '');
  assert.is(code, 0);
  assert.fixture(stdout, VIT_TABLE);
  const fromFolder = await run([vitFolder, '--decay', '0.75', '--weight-decay', '0.05']);
  assert.fixture(fromFolder.stdout, VIT_TABLE, 'a folder means its model.json');
});

test('--json: the rows, with every variable name', async () => {
  const { code, stdout } = await run([vitJson, '--decay', '0.75', '--weight-decay', '0.05', '--json']);
  assert.is(code, 0);
  const data = JSON.parse(stdout);
  assert.is(data.arch, 'vit');
  assert.is(data.numLayers, 3);
  assert.equal(data.unmatched, []);
  assert.equal(data.rows.map((r: { group: string; lrScale: number; weightDecay: number; parameterCount: number }) => [r.group, r.lrScale, r.weightDecay, r.parameterCount]), [
    ['layer_0_decay', 0.421875, 0.05, 384], ['layer_0_no_decay', 0.421875, 0, 56],
    ['layer_1_decay', 0.5625, 0.05, 512], ['layer_1_no_decay', 0.5625, 0, 88],
    ['layer_2_decay', 0.75, 0.05, 512], ['layer_2_no_decay', 0.75, 0, 88],
    ['layer_3_decay', 1, 0.05, 24], ['layer_3_no_decay', 1, 0, 19],
  ]);
  assert.equal(data.rows[1].variables, ['patch_embed/proj/bias', 'cls_token', 'pos_embed']);
  assert.equal(data.rows[6].variables, ['head/kernel']);
  assert.equal(data.rows[7].variables, ['norm/gamma', 'norm/beta', 'head/bias']);
  const withVariables = JSON.parse((await run([vitJson, '--decay', '0.75', '--json', '--variables'])).stdout);
  assert.is(withVariables.assignments.length, 32);
  assert.equal(withVariables.assignments.find((a: { name: string }) => a.name === 'blocks_1/mlp/fc1/kernel').layerId, 2);
});

test('frozen layers in the topology: listed as not trained, depth unchanged', async () => {
  const model = buildTinyVit({ depth: 2 });
  model.getLayer('blocks_0/attn/qkv').trainable = false;
  const folder = mkdtempSync(join(dir, 'frozen-'));
  const { code, stdout } = await run([await saveToFolder(model, folder), '--decay', '0.75', '--json', '--variables']);
  assert.is(code, 0);
  const data = JSON.parse(stdout);
  assert.equal(data.untrained, ['blocks_0/attn/qkv/kernel', 'blocks_0/attn/qkv/bias']);
  assert.equal(data.rows.find((r: { group: string }) => r.group === 'layer_1_decay').variables.length, 3);
  assert.is(data.assignments.find((a: { name: string }) => a.name === 'blocks_1/attn/qkv/kernel').layerId, 2);
  const table = (await run([join(folder, 'model.json'), '--decay', '0.75'])).stdout;
  assert.match(table, /not trained \(frozen or non-trainable, in no group\): 2 variable\(s\)/);
});

test('a checkpoint saved with its GroupedOptimizer ({includeOptimizer: true}): the optimizer state is not counted', async () => {
  const model = buildTinyVit({ depth: 2 });
  const tfg = install(tf);
  model.compile({ optimizer: tfg.train.adamw(layerDecayGroups(model, { decay: 0.75, weightDecay: 0.05 }), 1e-3), loss: 'categoricalCrossentropy' });
  await model.fit(tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 1), tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), { epochs: 1, verbose: 0 });
  const folder = mkdtempSync(join(dir, 'with-optimizer-'));
  const path = await saveToFolder(model, folder, { includeOptimizer: true });
  const manifest = JSON.parse(readFileSync(path, 'utf8')).weightsManifest[0].weights as { name: string; group?: string }[];
  // AdamW keeps m and v per variable, and the step count: 2 · 32 + 1 entries besides the 32 weights.
  assert.is(manifest.filter((spec) => spec.group === 'optimizer').length, 2 * 32 + 1);
  const { code, stdout, stderr } = await run([path, '--decay', '0.75', '--weight-decay', '0.05']);
  assert.is(stderr, '');
  assert.is(code, 0);
  assert.fixture(stdout, VIT_TABLE);
});

test('usage errors exit 2 (bad values included, a missing file in one line); a model that does not fit exits 1', async () => {
  const usage: [string[], RegExp][] = [
    [[vitJson], /--decay is required/],
    [['--decay', '0.5'], /give exactly one model.json path/],
    [[vitJson, '--decay', '0.5', '--bogus'], /bogus/],
    [[vitJson, '--decay', '1.5'], /decay must be a number in \(0, 1\]/],
    [[vitJson, '--decay', 'abc'], /--decay must be a number, got 'abc'/],
    [[vitJson, '--decay', '0.5', '--arch', 'resnext'], /--arch must be one of auto, vit, beit, bert, convnext, swin, .*sequential.*, got 'resnext'/],
    [[vitJson, '--decay', '0.5', '--granularity', 'layer'], /--granularity must be one of block, group, stage/],
    [[vitJson, '--decay', '0.5', '--num-layers', '2.5'], /--num-layers/],
    [[vitJson, '--decay', '0.5', '--min-scale', '2'], /--min-scale must be in \[0, 1\], got 2/],
    [[vitJson, '--decay', '0.5', '--weight-decay=-1'], /--weight-decay must be >= 0, got -1/],
  ];
  for (const [argv, message] of usage) {
    const r = await run(argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: tfjs-layer-decay inspect/);
  }
  const missing = await run([join(dir, 'missing.json'), '--decay', '0.5']);
  assert.is(missing.code, 2);
  assert.is(missing.stderr, `inspect: no such file: ${join(dir, 'missing.json')}\n`);

  let r = await run([vitJson, '--decay', '0.5', '--arch', 'bert']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /arch 'bert' does not fit these parameters: no name is an encoder layer/);
  const notModel = join(dir, 'not-a-model.json');
  writeFileSync(notModel, '{"hello": 1}');
  r = await run([notModel, '--decay', '0.5']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /is not a tfjs model.json: it needs modelTopology and weightsManifest/);
  r = await run(['--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /usage: tfjs-layer-decay inspect/);
});

test('a BERT model.json: arch bert, picked by auto', async () => {
  const folder = mkdtempSync(join(dir, 'bert-'));
  const { code, stdout } = await run([await saveToFolder(buildTinyBert({ depth: 2 }), folder), '--decay', '0.5', '--json']);
  assert.is(code, 0);
  const data = JSON.parse(stdout);
  assert.is(data.arch, 'bert');
  assert.equal(data.rows.map((r: { group: string; lrScale: number }) => [r.group, r.lrScale]), [
    ['layer_0_decay', 0.125], ['layer_0_no_decay', 0.125], ['layer_1_decay', 0.25], ['layer_1_no_decay', 0.25],
    ['layer_2_decay', 0.5], ['layer_2_no_decay', 0.5], ['layer_3_decay', 1], ['layer_3_no_decay', 1],
  ]);
});

test('through the real command: tfjs-layer-decay inspect, --version, usage errors, a missing file', () => {
  const cli = resolve(import.meta.dirname, '../bin/tfjs-layer-decay.js');
  const command = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const result = command('inspect', vitJson, '--decay', '0.75', '--weight-decay', '0.05');
  assert.is(result.status, 0, result.stderr);
  assert.fixture(result.stdout, VIT_TABLE);
  const bad = command('inspect', vitJson, '--decay', '0');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /decay must be a number in \(0, 1\]/);
  const missing = command('inspect', join(dir, 'nowhere', 'model.json'), '--decay', '0.75');
  assert.is(missing.status, 2);
  assert.is(missing.stderr, `inspect: no such file: ${join(dir, 'nowhere', 'model.json')}\n`, 'one line, no stack');
  const version = command('--version');
  assert.is(version.status, 0);
  assert.is(version.stdout, `${JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')).version}\n`);
  const unknown = command('train');
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'train'/);
  assert.is(command().status, 2, 'no command is a usage error');
  assert.is(command('--help').status, 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();

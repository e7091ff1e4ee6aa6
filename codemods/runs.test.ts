// Converted code runs, and trains as the original did. Each run-* fixture is a small training
// script that prints what it learned (optimizer, losses, final weights) as JSON. In a temp project
// with this package and tfjs in its node_modules (as a user would install them), three versions
// run with Node: the original, the original converted by the real command with --decay 1 (every
// scale 1: the weights must equal the original's, bit for bit for SGD and RMSProp, within a few
// float32 rounding steps for Adam), and the fixture's output (--decay 0.75: several groups, the loss falls, and
// the weights differ from the scale-1 run). A conversion that parses but throws fails here. A
// script that assigns model.optimizer.learningRate in a callback must see the rate change.
// A TypeScript script, converted and compiled to JavaScript, runs too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ts } from 'ts-morph';
import { fixtures } from './fixtures.test.support.js';
import { read, runCli, tempTree } from './cli.test.support.js';

/** What a script prints; `rate` where it changes optimizer.learningRate as it trains. */
interface Learned { optimizer: string; groups: number; losses: number[]; weights: number[][]; rate?: number }

/**
 * How far the --decay 1 run may be from the original: 0 is bit for bit, else relative to
 * max(1, |w|). The grouped Adam step rounds differently from stock tfjs's: after 20-48 steps the
 * weights here differ by at most 3.6e-7 (under 80 float32 ulps).
 */
const TOLERANCE: Record<string, number> = {
  'run-fit-sgd': 0,
  'run-layers-core': 0,
  'run-minimize-var-list': 0,
  'run-compile-string': 2e-6,
  'run-dqn': 2e-6,
  'run-learning-rate': 2e-6,
};

const TS_SCRIPT = `import * as tf from '@tensorflow/tfjs';
await tf.setBackend('cpu');
const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }));
model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }));
model.compile({ optimizer: 'adamax', loss: 'meanSquaredError' });
const history = await model.fit(tf.randomNormal([8, 3], 0, 1, 'float32', 3), tf.randomNormal([8, 1], 0, 1, 'float32', 4), { epochs: 10, shuffle: false, verbose: 0 });
const optimizer = model.optimizer as unknown as { getClassName(): string; paramGroups?: unknown[] };
console.log(JSON.stringify({ optimizer: optimizer.getClassName(), groups: optimizer.paramGroups?.length ?? 0, losses: history.history.loss, weights: [] }));
`;

const runFixtures = fixtures().filter((fixture) => fixture.name.startsWith('run-'));
const files: Record<string, string> = { 'package.json': '{ "type": "module" }\n', 'typescript/train.ts': TS_SCRIPT };
for (const fixture of runFixtures) {
  files[`${fixture.name}/original${fixture.extension}`] = fixture.input;
  files[`${fixture.name}/decay1${fixture.extension}`] = fixture.input;
  files[`${fixture.name}/converted${fixture.extension}`] = fixture.output;
}
const root = tempTree(files);
mkdirSync(join(root, 'node_modules'));
symlinkSync(resolve('.'), join(root, 'node_modules/tfjs-layer-decay'), 'dir');
symlinkSync(resolve('node_modules/@tensorflow'), join(root, 'node_modules/@tensorflow'), 'dir');

const scaleOne = runCli(root, [...runFixtures.map((fixture) => `${fixture.name}/decay1${fixture.extension}`), '--decay', '1']);
const typescript = runCli(root, ['typescript/train.ts', '--decay', '0.75']);
const compiled = ts.transpileModule(read(root, 'typescript/train.ts'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
writeFileSync(join(root, 'typescript/train.mjs'), compiled.outputText);

/** Runs a script with Node in the temp project; its last line of output, parsed. */
function learned(script: string): Promise<Learned> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [script], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${script} failed:\n${read(root, script)}\n${stderr}`));
      else done(JSON.parse(stdout.trim().split('\n').pop()!) as Learned);
    });
  });
}

const runs = new Map(runFixtures.map((fixture) => {
  const path = (version: string) => `${fixture.name}/${version}${fixture.extension}`;
  return [fixture.name, Promise.all([learned(path('original')), learned(path('decay1')), learned(path('converted'))])];
}));

test('the command converts every script', () => {
  assert.is(scaleOne.status, 0, scaleOne.stderr);
  assert.ok(scaleOne.stdout.includes(`files: ${runFixtures.length} scanned, ${runFixtures.length} modified`), scaleOne.stdout);
  assert.ok(scaleOne.stdout.includes('0 not converted'), scaleOne.stdout);
  assert.is(typescript.status, 0, typescript.stderr);
});

test('every run fixture has a tolerance', () => {
  assert.equal(runFixtures.map((fixture) => fixture.name).sort(), Object.keys(TOLERANCE).sort());
});

for (const fixture of runFixtures) {
  test(`${fixture.name}: with --decay 1 the converted code learns what the original learns`, async () => {
    const [original, decayOne] = await runs.get(fixture.name)!;
    assert.is.not(original.optimizer, 'GroupedOptimizer');
    assert.is(decayOne.optimizer, 'GroupedOptimizer');
    assert.ok(decayOne.groups >= 1);
    assert.is(decayOne.rate, original.rate, 'a rate assigned as it trains reaches the grouped optimizer');
    const tolerance = TOLERANCE[fixture.name]!;
    if (tolerance === 0) {
      assert.equal(decayOne.weights, original.weights, 'bit for bit');
      assert.equal(decayOne.losses, original.losses, 'bit for bit');
    } else {
      assert.is(decayOne.weights.length, original.weights.length);
      original.weights.forEach((values, i) => values.forEach((value, j) => {
        const other = decayOne.weights[i]![j]!;
        assert.ok(Math.abs(other - value) <= tolerance * Math.max(1, Math.abs(value)), `weight ${i}[${j}]: ${other} vs ${value}`);
      }));
    }
  });

  test(`${fixture.name}: with --decay 0.75 it trains with several groups and other scales`, async () => {
    const [original, decayOne, converted] = await runs.get(fixture.name)!;
    assert.is(converted.optimizer, 'GroupedOptimizer');
    assert.ok(converted.groups > 1, `groups: ${converted.groups}`);
    assert.ok(converted.losses.at(-1)! < converted.losses[0]!, `losses: ${converted.losses.join(', ')}`);
    const moved = converted.weights.some((values, i) => values.some((value, j) => Math.abs(value - decayOne.weights[i]![j]!) > 1e-6));
    assert.ok(moved, 'decay 0.75 trains the layers below the head slower than decay 1');
    assert.is(converted.weights.length, original.weights.length);
    assert.is(converted.rate, original.rate);
  });
}

test('a TypeScript script, converted and compiled, trains with grouped learning rates', async () => {
  const result = await learned('typescript/train.mjs');
  assert.is(result.optimizer, 'GroupedOptimizer');
  assert.ok(result.groups > 1, `expected several groups, got ${result.groups}`);
  assert.ok(result.losses.at(-1)! < result.losses[0]!);
});

test.run();

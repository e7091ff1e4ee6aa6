// Converted code runs: a small training script in each output shape (ES module, CommonJS,
// TypeScript compiled to JavaScript) is converted by the real command, then run with Node against
// this package (linked into a temp node_modules, as a user would install it). Its model must
// train with the package's GroupedOptimizer and several parameter groups.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ts } from 'ts-morph';
import { read, runCli, tempTree } from './cli.test.support.js';

const MODEL = `
const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }));
model.add(tf.layers.dense({ units: 4, activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
const xs = tf.randomNormal([8, 3]);
const ys = tf.randomNormal([8, 1]);
`;
const REPORT = `
  const optimizer = model.optimizer;
  console.log(JSON.stringify({ className: optimizer.getClassName(), groups: optimizer.paramGroups?.length ?? 0 }));
`;

const SCRIPTS: Record<string, string> = {
  'train.mjs': `import * as tf from '@tensorflow/tfjs';\n${MODEL}await model.fit(xs, ys, { epochs: 2, verbose: 0 });\n${REPORT}`,
  'train.cjs': `const tf = require('@tensorflow/tfjs');\n${MODEL}model.fit(xs, ys, { epochs: 2, verbose: 0 }).then(() => {\n${REPORT}});\n`,
  'train.ts': `import * as tf from '@tensorflow/tfjs';\n${MODEL}await model.fit(xs, ys, { epochs: 2, verbose: 0 });\n${REPORT.replace('model.optimizer', 'model.optimizer as unknown as { getClassName(): string; paramGroups?: unknown[] }')}`,
};

/** A temp project with the scripts, this package and tfjs in its node_modules. */
function project(): string {
  const root = tempTree({ ...SCRIPTS, 'package.json': '{ "type": "module" }\n' });
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(resolve('.'), join(root, 'node_modules/tfjs-layer-decay'), 'dir');
  symlinkSync(resolve('node_modules/@tensorflow'), join(root, 'node_modules/@tensorflow'), 'dir');
  return root;
}

const root = project();
const conversion = runCli(root, ['.', '--decay', '0.75']);

test('the scripts convert', () => {
  assert.is(conversion.status, 0, conversion.stderr);
  assert.ok(conversion.stdout.includes('files: 3 scanned, 3 modified'), conversion.stdout);
});

for (const script of Object.keys(SCRIPTS)) {
  test(`converted ${script} trains with grouped learning rates`, () => {
    let entry = script;
    if (script.endsWith('.ts')) {
      const output = ts.transpileModule(read(root, script), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      writeFileSync(join(root, 'train-ts.mjs'), output.outputText);
      entry = 'train-ts.mjs';
    }
    const run = spawnSync(process.execPath, [entry], { cwd: root, encoding: 'utf8' });
    assert.is(run.status, 0, `${read(root, script)}\n${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { className: string; groups: number };
    assert.is(result.className, 'GroupedOptimizer');
    assert.ok(result.groups > 1, `expected several groups, got ${result.groups}`);
  });
}

test.run();

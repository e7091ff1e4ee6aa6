// Smaller cases of the transform, written inline: one input, its file name, the expected output.
// Each is also run a second time on its output, which must not change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ParseError, transformSource, type TransformOptions } from './transform.js';

interface Case { name: string; file: string; input: string; output: string; options?: Partial<TransformOptions> }

const CASES: Case[] = [
  {
    name: 'no arguments: the groups are the only one',
    file: 'train.js',
    input: "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.adam(), loss: 'mse' });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.adam(layerDecayGroups(m, { decay: 0.75 })), loss: 'mse' });\n",
  },
  {
    name: 'no arguments in TypeScript: an empty argument list',
    file: 'train.ts',
    input: "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.adam(), loss: 'mse' });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';\nconst m = tf.sequential();\nm.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(m, { decay: 0.75 }), []), loss: 'mse' });\n",
  },
  {
    name: 'CRLF line endings stay CRLF in the added lines',
    file: 'train.js',
    input: "import * as tf from '@tensorflow/tfjs';\r\nconst m = tf.sequential();\r\nm.compile({\r\n  optimizer: tf.train.sgd(\r\n    0.1),\r\n});\r\n",
    output: "import * as tf from '@tensorflow/tfjs';\r\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\r\n\r\ninstall(tf);\r\nconst m = tf.sequential();\r\nm.compile({\r\n  optimizer: tf.train.sgd(\r\n    layerDecayGroups(m, { decay: 0.75 }),\r\n    0.1),\r\n});\r\n",
  },
  {
    name: 'a byte order mark is kept',
    file: 'train.mjs',
    input: "\uFEFFimport * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.compile({ optimizer: 'sgd' });\n",
    output: "\uFEFFimport * as tf from '@tensorflow/tfjs';\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.sgd(layerDecayGroups(m, { decay: 0.75 }), 0.01) });\n",
  },
  {
    name: 'a type-only tfjs import is enough in TypeScript (the optimizer needs no tf namespace)',
    file: 'compile.ts',
    input: "import type { LayersModel } from '@tensorflow/tfjs';\nexport function prepare(model: LayersModel) {\n  model.compile({ optimizer: 'rmsprop', loss: 'meanSquaredError' });\n}\n",
    output: "import type { LayersModel } from '@tensorflow/tfjs';\nimport { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';\nexport function prepare(model: LayersModel) {\n  model.compile({ optimizer: groupedOptimizer('rmsprop', layerDecayGroups(model, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });\n}\n",
  },
  {
    name: 'import tf = require(...) in TypeScript',
    file: 'legacy.ts',
    input: "import tf = require('@tensorflow/tfjs-node');\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.adagrad(0.1), loss: 'mse' });\n",
    output: "import tf = require('@tensorflow/tfjs-node');\nimport { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';\nconst m = tf.sequential();\nm.compile({ optimizer: groupedOptimizer('adagrad', layerDecayGroups(m, { decay: 0.75 }), [0.1]), loss: 'mse' });\n",
  },
  {
    name: 'a default import and a dynamic import count as the tfjs namespace',
    file: 'main.mjs',
    input: "import tf from '@tensorflow/tfjs';\nconst tfn = await import('@tensorflow/tfjs-node');\nconst m = tf.sequential();\nm.compile({ optimizer: tfn.train.adamax(0.01), loss: 'mse' });\n",
    output: "import tf from '@tensorflow/tfjs';\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst tfn = await import('@tensorflow/tfjs-node');\nconst m = tf.sequential();\nm.compile({ optimizer: tfn.train.adamax(layerDecayGroups(m, { decay: 0.75 }), 0.01), loss: 'mse' });\n",
  },
  {
    name: 'only a dynamic import of tfjs: the import and install go after it',
    file: 'dynamic.mjs',
    input: "const tf = await import('@tensorflow/tfjs');\nconst m = tf.sequential();\nm.compile({ optimizer: 'sgd' });\n",
    output: "const tf = await import('@tensorflow/tfjs');\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.sgd(layerDecayGroups(m, { decay: 0.75 }), 0.01) });\n",
  },
  {
    name: 'tfjs imported inside a function of an ES module: left alone (an import cannot go there)',
    file: 'nested.mjs',
    input: "export async function main() {\n  const tf = await import('@tensorflow/tfjs');\n  const m = tf.sequential();\n  m.compile({ optimizer: 'sgd' });\n}\n",
    output: "export async function main() {\n  const tf = await import('@tensorflow/tfjs');\n  const m = tf.sequential();\n  m.compile({ optimizer: 'sgd' });\n}\n",
  },
  {
    name: 'tfjs required inside a function of a CommonJS file: the require and install go after it',
    file: 'nested.cjs',
    input: "function main() {\n  const tf = require('@tensorflow/tfjs');\n  const m = tf.sequential();\n  m.compile({ optimizer: 'sgd' });\n}\n",
    output: "function main() {\n  const tf = require('@tensorflow/tfjs');\n  const { install, layerDecayGroups } = require('tfjs-layer-decay');\n\n  install(tf);\n  const m = tf.sequential();\n  m.compile({ optimizer: tf.train.sgd(layerDecayGroups(m, { decay: 0.75 }), 0.01) });\n}\n",
  },
  {
    name: "the package imported as a namespace: its names are used, install is not called twice",
    file: 'ns.js',
    input: "import * as tf from '@tensorflow/tfjs';\nimport * as ld from 'tfjs-layer-decay';\nld.install(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.sgd(0.1) });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport * as ld from 'tfjs-layer-decay';\nld.install(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.sgd(ld.layerDecayGroups(m, { decay: 0.75 }), 0.1) });\n",
  },
  {
    name: 'a CommonJS destructuring of the package gets the missing name',
    file: 'train.cjs',
    input: "const tf = require('@tensorflow/tfjs');\nconst { install } = require('tfjs-layer-decay');\ninstall(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: 'adam' });\n",
    output: "const tf = require('@tensorflow/tfjs');\nconst { install, layerDecayGroups } = require('tfjs-layer-decay');\ninstall(tf);\nconst m = tf.sequential();\nm.compile({ optimizer: tf.train.adam(layerDecayGroups(m, { decay: 0.75 }), 0.001) });\n",
  },
  {
    name: 'const train = tf.train is followed',
    file: 'alias.js',
    input: "import * as tf from '@tensorflow/tfjs';\nconst train = tf.train;\nconst m = tf.sequential();\nm.compile({ optimizer: train.momentum(0.01, 0.9) });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst train = tf.train;\nconst m = tf.sequential();\nm.compile({ optimizer: train.momentum(layerDecayGroups(m, { decay: 0.75 }), 0.01, 0.9) });\n",
  },
  {
    name: 'a model typed LayersModel found through a loss helper that takes it as an argument',
    file: 'loop.ts',
    input: "import * as tf from '@tensorflow/tfjs';\nfunction loss(net: tf.LayersModel, x: tf.Tensor) { return (net.predict(x) as tf.Tensor).mean() as tf.Scalar; }\nexport function fit(model: tf.LayersModel, x: tf.Tensor) {\n  const opt = tf.train.adam(0.01);\n  opt.minimize(() => loss(model, x));\n}\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';\nfunction loss(net: tf.LayersModel, x: tf.Tensor) { return (net.predict(x) as tf.Tensor).mean() as tf.Scalar; }\nexport function fit(model: tf.LayersModel, x: tf.Tensor) {\n  const opt = groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [0.01]);\n  opt.minimize(() => loss(model, x));\n}\n",
  },
  {
    name: 'either branch of a choice between factories is converted',
    file: 'choice.js',
    input: "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nconst opt = fast ? tf.train.sgd(0.1) : (tf.train.adam(0.001));\nm.compile({ optimizer: opt });\nm.compile({ optimizer: fast ? tf.train.sgd(0.1) : 'adam' });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nimport { install, layerDecayGroups } from 'tfjs-layer-decay';\n\ninstall(tf);\nconst m = tf.sequential();\nconst opt = fast ? tf.train.sgd(layerDecayGroups(m, { decay: 0.75 }), 0.1) : (tf.train.adam(layerDecayGroups(m, { decay: 0.75 }), 0.001));\nm.compile({ optimizer: opt });\nm.compile({ optimizer: fast ? tf.train.sgd(layerDecayGroups(m, { decay: 0.75 }), 0.1) : 'adam' });\n",
  },
  {
    name: 'a model reassigned after the optimizer is left alone',
    file: 'late.js',
    input: "import * as tf from '@tensorflow/tfjs';\nlet m = tf.sequential();\nconst opt = tf.train.sgd(0.1);\nm = tf.sequential();\nm.compile({ optimizer: opt });\n",
    output: "import * as tf from '@tensorflow/tfjs';\nlet m = tf.sequential();\nconst opt = tf.train.sgd(0.1);\nm = tf.sequential();\nm.compile({ optimizer: opt });\n",
  },
  {
    name: 'a shadowed model name is not moved into another scope',
    file: 'shadow.js',
    input: "import * as tf from '@tensorflow/tfjs';\nconst opt = tf.train.sgd(0.1);\nfunction f() {\n  const model = tf.sequential();\n  model.compile({ optimizer: opt });\n}\n",
    output: "import * as tf from '@tensorflow/tfjs';\nconst opt = tf.train.sgd(0.1);\nfunction f() {\n  const model = tf.sequential();\n  model.compile({ optimizer: opt });\n}\n",
  },
  {
    name: '--todo twice adds the comment once; a statement in the middle of a line gets it before itself',
    file: 'todo.js',
    input: "import * as tf from '@tensorflow/tfjs';\nif (ready) tf.train.sgd(0.1).dispose();\n  export const make = () => tf.train.adam(0.1);\n",
    output: "import * as tf from '@tensorflow/tfjs';\nif (ready) // TODO(tfjs-layer-decay): no model in reach: the optimizer is not passed to model.compile or kept in a variable\ntf.train.sgd(0.1).dispose();\n  // TODO(tfjs-layer-decay): the optimizer is built in a factory function ('make'); convert it where the model is known\n  export const make = () => tf.train.adam(0.1);\n",
    options: { todo: true },
  },
  {
    name: 'a file without a tfjs import is not touched, whatever it calls',
    file: 'other.js',
    input: "const train = require('./train');\nconst m = train.adam(0.1);\nm.compile({ optimizer: 'adam' });\n",
    output: "const train = require('./train');\nconst m = train.adam(0.1);\nm.compile({ optimizer: 'adam' });\n",
  },
];

for (const { name, file, input, output, options } of CASES) {
  test(name, () => {
    const settings = { decay: 0.75, ...options };
    const first = transformSource(input, file, settings);
    assert.fixture(first.text, output);
    const second = transformSource(first.text, file, settings);
    assert.fixture(second.text, output, 'a second run changes nothing');
  });
}

test('an input that does not parse throws a ParseError naming the line', () => {
  assert.throws(() => transformSource("import * as tf from '@tensorflow/tfjs';\nconst x = (;\n", 'bad.js', { decay: 0.75 }),
    (error: Error) => error instanceof ParseError && error.message.startsWith('does not parse: 2:'));
});

test('--arch and --decay are written as given; auto is the default and left out', () => {
  const input = "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.compile({ optimizer: \"adam\" });\n";
  assert.ok(transformSource(input, 'a.js', { decay: 0.65, arch: 'bert' }).text.includes("layerDecayGroups(m, { decay: 0.65, arch: 'bert' })"));
  assert.ok(transformSource(input, 'a.js', { decay: 0.9, arch: 'auto' }).text.includes('layerDecayGroups(m, { decay: 0.9 })'));
});

test.run();

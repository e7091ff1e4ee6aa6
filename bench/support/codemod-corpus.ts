// A synthetic source tree shaped like a tfjs monorepo, for the codemod benchmark (2,661 files by
// default, the size of the tree issue 13 measured): mostly ordinary library code (some of it saying
// "train", "compile" or "optimizer" without tfjs), tfjs library modules that import
// @tensorflow/tfjs-core (kernels, ops, serialization; half of them mention optimizers, so they pass
// the text pre-filter with nothing to convert), large tfjs-layers-style test files full of
// model.compile calls on models from a relative import (reported, not converted), and a few
// percent of example code with optimizers the codemod converts or reports. Deterministic for a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../test/support/random.js';

export interface CorpusOptions {
  files: number;
  /** Share of example files with optimizer code (default 0.02). */
  exampleShare?: number;
  /** Share of tfjs library modules without optimizer code (default 0.08). */
  libraryShare?: number;
  /** Share of large test files with many compile calls (default 0.01). */
  testShare?: number;
  seed?: number;
}

export interface Corpus {
  root: string;
  files: number;
  /** Files by what they hold. */
  exampleFiles: number;
  libraryFiles: number;
  testFiles: number;
  ordinaryFiles: number;
  lines: number;
}

const EXTENSIONS = ['.ts', '.ts', '.ts', '.tsx', '.js', '.mjs', '.cjs'];

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function ordinaryFile(index: number, rand: () => number): string {
  const lines = [`// Module ${index}: helpers for the order pipeline.`, `import { format } from './format-${index % 17}';`, ''];
  const functions = 3 + Math.floor(rand() * 25);
  for (let f = 0; f < functions; f++) {
    const word = pick(rand, ['compileTemplate', 'trainStation', 'parseOrder', 'renderRow', 'validate', 'optimizerHints']);
    lines.push(
      `/** ${pick(rand, ['Trains of thought.', 'Compiles the template once.', 'The optimizer of the query planner.', 'Plain helper.'])} */`,
      `export function ${word}${index}_${f}(input, options = {}) {`,
      `  const items = Array.isArray(input) ? input : [input];`,
      `  const result = [];`,
      `  for (const item of items) {`,
      `    if (item == null) continue;`,
      `    result.push(format(item, { ...options, index: ${f} }));`,
      `  }`,
      `  return result.join('\\n');`,
      `}`,
      '',
    );
  }
  return lines.join('\n');
}

/** A tfjs-core style module: kernels and ops over tensors; some mention optimizers in passing. */
function libraryFile(index: number, rand: () => number, mentionsOptimizers: boolean): string {
  const lines = [
    '/**',
    ' * @license',
    ' * Copyright 2024 Example Authors. All Rights Reserved.',
    ' * Licensed under the Apache License, Version 2.0.',
    ' */',
    `import {backend_util, KernelConfig, KernelFunc, Tensor, TensorInfo, TypedArray, util} from '@tensorflow/tfjs-core';`,
    mentionsOptimizers ? `import {Optimizer, serialization, train} from '@tensorflow/tfjs-core';` : `import {env} from '@tensorflow/tfjs-core';`,
    '',
  ];
  const kernels = 4 + Math.floor(rand() * 30);
  for (let k = 0; k < kernels; k++) {
    const name = `${pick(rand, ['conv2d', 'matMul', 'reduce', 'gather', 'scatter', 'pool'])}Impl${index}_${k}`;
    lines.push(
      `export function ${name}(x: TensorInfo, backend: {data: Map<unknown, {values: TypedArray}>}, attrs: {axis: number[]}): TensorInfo {`,
      `  const {axis} = attrs;`,
      `  const values = backend.data.get(x.dataId)!.values;`,
      `  const outShape = x.shape.filter((_, i) => !axis.includes(i));`,
      `  const out = util.makeZerosTypedArray(util.sizeFromShape(outShape), x.dtype);`,
      `  for (let i = 0; i < out.length; ++i) {`,
      `    let acc = 0;`,
      `    for (let j = 0; j < axis.length; ++j) acc += values[i * axis.length + j] as number;`,
      `    out[i] = acc;`,
      `  }`,
      `  backend_util.assertAxesAreInnerMostDims('${name}', axis, x.shape.length);`,
      `  return {dataId: {}, shape: outShape, dtype: x.dtype};`,
      `}`,
      '',
    );
  }
  if (mentionsOptimizers) {
    lines.push(
      `// Optimizers are serialized by class name; see train.adam for the defaults.`,
      `export function optimizerClassName${index}(optimizer: Optimizer): string {`,
      `  return (optimizer.constructor as serialization.SerializableConstructor<Optimizer>).className;`,
      `}`,
      `export const trainNamespace${index} = train;`,
      '',
    );
  }
  lines.push(`export const kernelConfig${index}: KernelConfig = {kernelName: 'Op${index}', backendName: 'cpu', kernelFunc: (() => null) as unknown as KernelFunc};`);
  lines.push(`export type T${index} = Tensor;`, mentionsOptimizers ? '' : 'env();', '');
  return lines.join('\n');
}

/** A tfjs-layers style test: models from a relative import, many model.compile calls (reported). */
function testFile(index: number, rand: () => number): string {
  const lines = [
    `import {Tensor, tensor2d, train} from '@tensorflow/tfjs-core';`,
    `import * as tfl from '../index';`,
    `import {describeMathCPUAndGPU, expectTensorsClose} from '../utils/test_utils';`,
    '',
    `describeMathCPUAndGPU('Model.fit ${index}', () => {`,
  ];
  const cases = 20 + Math.floor(rand() * 40);
  for (let c = 0; c < cases; c++) {
    const optimizer = pick(rand, [`'sgd'`, `'adam'`, `train.sgd(0.1)`, `train.adam(0.01)`, `'rmsprop'`]);
    lines.push(
      `  it('trains case ${c}', async () => {`,
      `    const model = tfl.sequential();`,
      `    model.add(tfl.layers.dense({units: ${1 + (c % 4)}, inputShape: [4], kernelInitializer: 'ones'}));`,
      `    model.compile({optimizer: ${optimizer}, loss: 'meanSquaredError'});`,
      `    const xs = tensor2d([[1, 2, 3, 4]], [1, 4]);`,
      `    const ys = tensor2d([[${c}]], [1, 1]);`,
      `    const history = await model.fit(xs, ys, {epochs: 2, batchSize: 1});`,
      `    expect(history.history.loss.length).toEqual(2);`,
      `    expectTensorsClose(model.predict(xs) as Tensor, ys);`,
      `  });`,
      '',
    );
  }
  lines.push('});', '');
  return lines.join('\n');
}

/** Example code with optimizers: converted, or reported with a reason. Each is a real pattern. */
const EXAMPLES: { extension?: string; text: (index: number) => string }[] = [
  {
    text: (index) => `import * as tf from '@tensorflow/tfjs';

export function build${index}() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
`,
  },
  {
    text: (index) => `import * as tf from '@tensorflow/tfjs-node';

const model = tf.sequential();
model.add(tf.layers.dense({ units: ${index % 50 + 1}, inputShape: [4] }));
const optimizer = tf.train.sgd(0.01);
model.compile({ optimizer, loss: 'meanSquaredError' });

export { model };
`,
  },
  {
    extension: '.cjs',
    text: (index) => `const tf = require('@tensorflow/tfjs');

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
const opt = tf.train.adam(1e-3);

function step(xs, ys) {
  return opt.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)), true, model.trainableWeights.map((w) => w.read()));
}

module.exports = { step, name: 'example${index}' };
`,
  },
  {
    text: (index) => `import * as tf from '@tensorflow/tfjs';

// A DQN agent: the online network is trained, the target network only predicts.
export class Agent${index} {
  constructor() {
    this.online = createNetwork();
    this.target = createNetwork();
    this.target.trainable = false;
    this.optimizer = tf.train.adam(1e-3);
  }
}

function createNetwork() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}

export function trainStep(online, target, states, rewards) {
  const optimizer = tf.train.adam(1e-3);
  const lossFunction = () => tf.tidy(() => {
    const qs = online.apply(states, { training: true }).max(-1);
    const next = target.predict(states).max(-1);
    return tf.losses.meanSquaredError(rewards.add(next), qs);
  });
  const grads = tf.variableGrads(lossFunction);
  optimizer.applyGradients(grads.grads);
}
`,
  },
  {
    text: () => `import * as tf from '@tensorflow/tfjs-layers';

export async function load(url) {
  const model = await tf.loadLayersModel(url);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}
`,
  },
  {
    text: (index) => `// Runs in a page that loads tfjs with a script tag.
const model${index} = tf.sequential();
model${index}.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model${index}.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
`,
  },
];

export function generateCorpus(root: string, options: CorpusOptions): Corpus {
  const rand = seededRandom(options.seed ?? 1);
  const everyExample = Math.round(1 / (options.exampleShare ?? 0.02));
  const everyLibrary = Math.round(1 / (options.libraryShare ?? 0.08));
  const everyTest = Math.round(1 / (options.testShare ?? 0.01));
  const corpus: Corpus = { root, files: options.files, exampleFiles: 0, libraryFiles: 0, testFiles: 0, ordinaryFiles: 0, lines: 0 };
  writeFileSync(join(root, '.gitignore'), 'build/\n*.generated.js\n');
  for (let index = 0; index < options.files; index++) {
    const folder = join(root, `packages/p${index % 20}/src/feature${index % 13}`);
    mkdirSync(folder, { recursive: true });
    let text: string;
    let extension = EXTENSIONS[index % EXTENSIONS.length]!;
    if (index % everyExample === 7) {
      const example = EXAMPLES[corpus.exampleFiles % EXAMPLES.length]!;
      text = example.text(index);
      extension = example.extension ?? (extension === '.cjs' || extension === '.tsx' ? '.js' : extension === '.ts' ? '.js' : extension);
      corpus.exampleFiles++;
    } else if (index % everyTest === 11) {
      text = testFile(index, rand);
      extension = '.ts';
      corpus.testFiles++;
    } else if (index % everyLibrary === 3) {
      text = libraryFile(index, rand, corpus.libraryFiles % 2 === 0);
      extension = '.ts';
      corpus.libraryFiles++;
    } else {
      text = ordinaryFile(index, rand);
      if (extension === '.cjs') text = text.replace(/^import \{ format \} from (.*);$/m, 'const { format } = require($1);').replace(/^export function/gm, 'exports.fn = function');
      corpus.ordinaryFiles++;
    }
    corpus.lines += text.split('\n').length;
    writeFileSync(join(folder, `module${index}${extension}`), text);
  }
  return corpus;
}

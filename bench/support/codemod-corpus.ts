// A synthetic source tree for the codemod benchmark: mostly ordinary application code (some of
// it mentioning "train" or "compile" without tfjs), a few files that use tfjs without training,
// and a few percent holding optimizer code the codemod converts. Deterministic for a given seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusOptions {
  files: number;
  /** Share of files with optimizer code (default 0.03). */
  optimizerShare?: number;
  /** Share of files that import tfjs without building an optimizer (default 0.05). */
  tfjsShare?: number;
  seed?: number;
}

export interface Corpus { root: string; files: number; optimizerFiles: number; tfjsFiles: number }

const EXTENSIONS = ['.ts', '.ts', '.ts', '.tsx', '.js', '.mjs', '.cjs'];

/** Mulberry32: small, fast, good enough to vary a corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ordinaryFile(index: number, rand: () => number): string {
  const lines = [`// Module ${index}: helpers for the order pipeline.`, `import { format } from './format-${index % 17}';`, ''];
  const functions = 5 + Math.floor(rand() * 15);
  for (let f = 0; f < functions; f++) {
    const word = ['compileTemplate', 'trainStation', 'parseOrder', 'renderRow', 'validate'][Math.floor(rand() * 5)];
    lines.push(
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

function inferenceFile(index: number, parsed: boolean): string {
  // Half of them mention compile: they pass the text pre-filter and are parsed, with nothing to convert.
  const note = parsed ? 'The model is trained and compiled elsewhere (see train.py); do not compile it here.' : 'Inference only; the model was trained elsewhere.';
  return `import * as tf from '@tensorflow/tfjs';

// ${note}
export async function classify${index}(url, pixels) {
  const model = await tf.loadLayersModel(url);
  return tf.tidy(() => {
    const input = tf.browser.fromPixels(pixels).toFloat().div(255).expandDims();
    const logits = model.predict(input);
    return logits.argMax(-1).dataSync()[0];
  });
}
`;
}

const OPTIMIZER_FILES: ((index: number) => string)[] = [
  (index) => `import * as tf from '@tensorflow/tfjs';

export function build${index}() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
`,
  (index) => `import * as tf from '@tensorflow/tfjs-node';

const model = tf.sequential();
model.add(tf.layers.dense({ units: ${index % 50 + 1}, inputShape: [4] }));
const optimizer = tf.train.sgd(0.01);
model.compile({ optimizer, loss: 'meanSquaredError' });

export { model };
`,
  (index) => `const tf = require('@tensorflow/tfjs');

const weights = [tf.variable(tf.zeros([4, 1]), true, 'w${index}')];
const opt = tf.train.adam(1e-3);

function step(xs, ys) {
  return opt.minimize(() => tf.losses.meanSquaredError(ys, xs.matMul(weights[0])), true, weights);
}

module.exports = { step };
`,
];

export function generateCorpus(root: string, options: CorpusOptions): Corpus {
  const rand = random(options.seed ?? 1);
  const optimizerEvery = 1 / (options.optimizerShare ?? 0.03);
  const tfjsEvery = 1 / (options.tfjsShare ?? 0.05);
  let optimizerFiles = 0;
  let tfjsFiles = 0;
  writeFileSync(join(root, '.gitignore'), 'build/\n*.generated.js\n');
  for (let index = 0; index < options.files; index++) {
    const folder = join(root, `packages/p${index % 20}/src/feature${index % 13}`);
    mkdirSync(folder, { recursive: true });
    let text: string;
    let extension = EXTENSIONS[index % EXTENSIONS.length]!;
    if (index % Math.round(optimizerEvery) === 7) {
      const template = optimizerFiles % OPTIMIZER_FILES.length;
      text = OPTIMIZER_FILES[template]!(index);
      if (template === 2) extension = '.cjs';
      else if (extension === '.cjs') extension = '.js';
      optimizerFiles++;
    } else if (index % Math.round(tfjsEvery) === 3) {
      text = inferenceFile(index, tfjsFiles % 2 === 0);
      extension = '.js';
      tfjsFiles++;
    } else {
      text = ordinaryFile(index, rand);
      if (extension === '.cjs') text = text.replace(/^import \{ format \} from (.*);$/m, 'const { format } = require($1);').replace(/^export function/gm, 'exports.fn = function');
    }
    writeFileSync(join(folder, `module${index}${extension}`), text);
  }
  return { root, files: options.files, optimizerFiles, tfjsFiles };
}

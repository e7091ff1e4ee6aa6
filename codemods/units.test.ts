// The small pieces: text edits, the pre-filter, the compile-string table, the site report's summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyEdits, insertAt, replaceRange } from './text-edits.js';
import { mayHoldSite } from './prefilter.js';
import { withoutComments } from './code-text.js';
import { compileStringOptimizer } from './compile-strings.js';
import { formatReport, summarize, type FileReport } from './report.js';

test('edits apply from the end backwards against the original positions', () => {
  const text = 'abcdef';
  assert.is(applyEdits(text, [insertAt(0, '<'), replaceRange(2, 4, 'XY'), insertAt(6, '>')]), '<abXYef>');
  assert.is(applyEdits(text, [insertAt(3, '1'), insertAt(3, '2')]), 'abc12def', 'insertions at one place keep their planned order');
  assert.is(applyEdits(text, []), text);
});

test('overlapping edits are a bug and throw', () => {
  assert.throws(() => applyEdits('abcdef', [replaceRange(1, 4, 'x'), replaceRange(3, 5, 'y')]), /overlapping/);
});

const PREFILTER: [string, boolean][] = [
  ["import * as tf from '@tensorflow/tfjs';\nmodel.compile({})", true],
  ["const tf = require('@tensorflow/tfjs-node'); tf.train.adam(1)", true],
  ["import * as tf from '@tensorflow/tfjs';\ntf.tidy(() => model.predict(x));", false],
  ["import * as tf from '@tensorflow/tfjs';\n// trained elsewhere; kernelConstraint, trainable", false],
  ["import { train as t } from '@tensorflow/tfjs';\nexport const make = () => t.adam(0.1);", true],
  ["import { train } from '@tensorflow/tfjs-core';\nexport { train };", false],
  ["import { train } from '@tensorflow/tfjs-core';\nconst name = 'sgd';\nexport const opt = train[name](0.1);", true],
  ['function compileTemplate() {} // trains', false],
  ['', false],
  ["import * as tf from '@tensorflow/tfjs';\n// see tf.train.adam(0.1) and model.compile({ optimizer })\n/* model.compile(x) */", false],
  ["// tfjs from a script tag\nconst m = tf.sequential();\nm.compile({ optimizer: 'sgd' });", true],
  ["import * as tf from '@tensorflow/tfjs';\nconst url = 'http://host/*'; m.compile({});", true],
  ["import * as tf from '@tensorflow/tfjs';\nconst slashes = /\\/\\*/g; m.compile({});", true],
  ["import * as tf from '@tensorflow/tfjs';\nconst s = `${a /* } */}`; tf.train.sgd(0.1);", true],
];
for (const [text, expected] of PREFILTER) {
  test(`pre-filter: ${JSON.stringify(text.slice(0, 60))} -> ${expected}`, () => assert.is(mayHoldSite(text), expected));
}

/** Text in, the same text with every comment character blanked (line breaks kept). */
const COMMENTS: [string, string][] = [
  ['a // b\nc', 'a     \nc'],
  ['a /* b\nc */ d', 'a     \n     d'],
  ["'//' + \"/*\" // c", "'//' + \"/*\"     "],
  ['x = /a\\/\\/b/; // c', 'x = /a\\/\\/b/;     '],
  ['x = a / b / c; // d', 'x = a / b / c;     '],
  ['`${a /* c */}` // d', '`${a        }`     '],
  ['`/* ${`//`} */`', '`/* ${`//`} */`'],
  ['if (x) /re/.test(y) // z', 'if (x) /re/.test(y)     '],
  ['return /x/ // y', 'return /x/     '],
  ['a\r\n// b\r\nc', 'a\r\n    \r\nc'],
];
for (const [text, expected] of COMMENTS) {
  test(`comments blanked: ${JSON.stringify(text)}`, () => assert.is(withoutComments(text), expected));
}

const COMPILE_STRINGS: [string, { rule: string; learningRate: number } | undefined][] = [
  ['sgd', { rule: 'sgd', learningRate: 0.01 }], ['SGD', { rule: 'sgd', learningRate: 0.01 }],
  ['adam', { rule: 'adam', learningRate: 0.001 }], ['Adam', { rule: 'adam', learningRate: 0.001 }],
  ['adagrad', { rule: 'adagrad', learningRate: 0.01 }], ['Adagrad', { rule: 'adagrad', learningRate: 0.01 }],
  ['adadelta', { rule: 'adadelta', learningRate: 1 }], ['Adadelta', { rule: 'adadelta', learningRate: 1 }],
  ['adamax', { rule: 'adamax', learningRate: 0.002 }], ['Adamax', { rule: 'adamax', learningRate: 0.002 }],
  ['rmsprop', { rule: 'rmsprop', learningRate: 0.001 }], ['RMSProp', { rule: 'rmsprop', learningRate: 0.001 }],
  ['AdamW', { rule: 'adamw', learningRate: 0.001 }],
  ['ADAM', undefined], ['Rmsprop', undefined], ['momentum', undefined], ['toString', undefined],
];
for (const [name, expected] of COMPILE_STRINGS) {
  test(`compile string '${name}'`, () => assert.equal(compileStringOptimizer(name), expected));
}

test('the compile-string table matches what model.compile builds from each string', async () => {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const compiled = (name: string) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: name, loss: 'meanSquaredError' });
    return model.optimizer;
  };
  for (const [name, expected] of COMPILE_STRINGS) {
    if (!expected || expected.rule === 'adamw') continue;
    const optimizer = compiled(name);
    assert.is(optimizer.getConfig().learningRate, expected.learningRate, name);
    assert.is(optimizer.getClassName().toLowerCase(), expected.rule, name);
  }
  assert.throws(() => compiled('ADAM'), /Unknown Optimizer/);
});

test('the summary counts files by status and sites by outcome', () => {
  const files: FileReport[] = [
    { path: 'a.js', status: 'modified', sites: [{ line: 1, column: 1, kind: 'factory', converted: true }] },
    { path: 'b.js', status: 'unchanged', sites: [{ line: 2, column: 3, kind: 'compile', converted: false, reason: 'why' }] },
    { path: 'c.js', status: 'skipped', sites: [] },
    { path: 'd.js', status: 'error', sites: [], error: 'does not parse: 1:1 x' },
  ];
  const summary = summarize(files);
  assert.equal(summary, {
    filesScanned: 4, filesModified: 1, filesUnchanged: 1, filesSkipped: 1, filesWithErrors: 1, sitesConverted: 1, sitesNotConverted: 1,
  });
  assert.is(formatReport({ files, summary }, false), [
    'not converted  b.js:2:3  compile: why',
    'error  d.js: does not parse: 1:1 x',
    '',
    'files: 4 scanned, 1 modified, 1 unchanged, 1 skipped, 1 with errors',
    'sites: 1 converted, 1 not converted',
    '',
  ].join('\n'));
});

test.run();

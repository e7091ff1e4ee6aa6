// The real command on real files: exit codes, --dry, writing, the dirty-tree refusal and --force,
// the JSON report, --diff, and which files are read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures } from './fixtures.test.support.js';
import { committedRepo, git, read, runCli, runCliAsync, tempTree } from './cli.test.support.js';
import type { Report } from './report.js';

const CONVERTIBLE = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;
const UNCONVERTIBLE = `import * as tf from '@tensorflow/tfjs';
export const make = (lr) => tf.train.adam(lr);
`;
const BROKEN = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential(;
model.compile({ optimizer: 'adam' });
`;

/** args, files, exit code, a part of stderr. */
const EXIT_CODES: [string, string[], Record<string, string>, number, string][] = [
  ['no paths', ['--decay', '0.75'], {}, 2, 'no paths given'],
  ['no --decay', ['src'], { 'src/a.js': CONVERTIBLE }, 2, '--decay is required'],
  ['a --decay that is not a number', ['src', '--decay', 'much'], { 'src/a.js': CONVERTIBLE }, 2, '--decay must be a number'],
  ['a --decay above 1', ['src', '--decay', '1.5'], { 'src/a.js': CONVERTIBLE }, 2, '--decay must be a number'],
  ['an unknown --arch', ['src', '--decay', '0.75', '--arch', 'resnext'], { 'src/a.js': CONVERTIBLE }, 2, '--arch must be one of'],
  ['an unknown option', ['src', '--decay', '0.75', '--fast'], { 'src/a.js': CONVERTIBLE }, 2, "Unknown option '--fast'"],
  ['paths that match no file', ['lib/**/*.ts', '--decay', '0.75'], { 'src/a.js': CONVERTIBLE }, 2, 'no .ts .tsx .js .jsx .mjs .cjs file matches'],
  ['a file that does not parse', ['src', '--decay', '0.75'], { 'src/a.js': CONVERTIBLE, 'src/broken.js': BROKEN }, 1, ''],
  ['a report that cannot be written', ['src', '--decay', '0.75', '--dry', '--json', 'no/such/folder/report.json'], { 'src/a.js': CONVERTIBLE }, 1, 'cannot write the report to no/such/folder/report.json'],
  ['sites left unconverted', ['src', '--decay', '0.75'], { 'src/a.js': UNCONVERTIBLE }, 0, ''],
  ['sites converted', ['src', '--decay', '0.75'], { 'src/a.js': CONVERTIBLE }, 0, ''],
];

const exitCodeRuns = Promise.all(EXIT_CODES.map(([, args, files]) => runCliAsync(tempTree(files), args)));
EXIT_CODES.forEach(([what, , , code, message], i) => {
  test(`exit code ${code} for ${what}`, async () => {
    const run = (await exitCodeRuns)[i]!;
    assert.is(run.status, code, run.stderr);
    assert.ok(run.stderr.includes(message), run.stderr);
  });
});

test('a file that does not parse is reported and left untouched; the others are converted', () => {
  const root = tempTree({ 'src/a.js': CONVERTIBLE, 'src/broken.js': BROKEN });
  const run = runCli(root, ['src', '--decay', '0.75', '--json', 'report.json']);
  assert.is(run.status, 1);
  assert.is(read(root, 'src/broken.js'), BROKEN);
  assert.ok(read(root, 'src/a.js').includes('layerDecayGroups(model, { decay: 0.75 })'));
  const report = JSON.parse(read(root, 'report.json')) as Report;
  const broken = report.files.find((file) => file.path === 'src/broken.js')!;
  assert.is(broken.status, 'error');
  assert.ok(broken.error!.startsWith('does not parse: 2:'), broken.error);
  assert.ok(run.stdout.includes('error  src/broken.js: does not parse'), run.stdout);
});

test('--dry leaves every file byte for byte as it was and reports what would change', () => {
  const all = fixtures();
  const inputs = Object.fromEntries(all.map((fixture) => [fixture.inputFile, fixture.input]));
  const root = tempTree(inputs);
  const run = runCli(root, ['.', '--decay', '0.75', '--dry', '--json', '-']);
  assert.is(run.status, 0, run.stderr);
  for (const [file, input] of Object.entries(inputs)) assert.is(read(root, file), input, file);
  const report = JSON.parse(run.stdout) as Report;
  // arch.input.ts converts with or without --arch; the --todo variants add nothing without --todo.
  const changing = all.filter((fixture) => fixture.options.todo === undefined && fixture.input !== fixture.output);
  assert.is(report.summary.filesScanned, Object.keys(inputs).length);
  assert.is(report.summary.filesModified, changing.length);
  assert.ok(run.stderr.includes('would be modified'), run.stderr);
});

test('writing gives the fixture outputs, and a second run changes nothing', () => {
  const plain = fixtures().filter((fixture) => fixture.options.todo === undefined && fixture.options.arch === undefined);
  const root = tempTree(Object.fromEntries(plain.map((fixture) => [fixture.inputFile, fixture.input])));
  const first = runCli(root, ['.', '--decay', '0.75']);
  assert.is(first.status, 0, first.stderr);
  for (const fixture of plain) assert.fixture(read(root, fixture.inputFile), fixture.output);
  const second = runCli(root, ['.', '--decay', '0.75', '--json', '-']);
  assert.is((JSON.parse(second.stdout) as Report).summary.filesModified, 0);
});

test('--todo and --arch reach the transform', () => {
  const todo = fixtures().find((fixture) => fixture.options.todo)!;
  const arch = fixtures().find((fixture) => fixture.options.arch)!;
  const root = tempTree({ [`todo${todo.extension}`]: todo.input, [`arch${arch.extension}`]: arch.input });
  assert.is(runCli(root, [`todo${todo.extension}`, '--decay', '0.75', '--todo']).status, 0);
  assert.is(runCli(root, [`arch${arch.extension}`, '--decay', '0.75', '--arch', 'vit']).status, 0);
  assert.fixture(read(root, `todo${todo.extension}`), todo.output);
  assert.fixture(read(root, `arch${arch.extension}`), arch.output);
});

test('refuses to write into a work tree with uncommitted changes, writes with --force', () => {
  const root = committedRepo({ 'src/train.js': CONVERTIBLE, 'README.md': 'readme\n' });
  writeFileSync(join(root, 'README.md'), 'edited\n');
  const refused = runCli(root, ['src', '--decay', '0.75']);
  assert.is(refused.status, 2);
  assert.ok(refused.stderr.includes('uncommitted changes'), refused.stderr);
  assert.is(read(root, 'src/train.js'), CONVERTIBLE);

  assert.is(runCli(root, ['src', '--decay', '0.75', '--dry']).status, 0, '--dry writes nothing, so it needs no clean tree');
  assert.is(read(root, 'src/train.js'), CONVERTIBLE);

  const forced = runCli(root, ['src', '--decay', '0.75', '--force']);
  assert.is(forced.status, 0, forced.stderr);
  assert.ok(read(root, 'src/train.js').includes("import { install, layerDecayGroups } from 'tfjs-layer-decay';"));
});

test('an untracked file makes the tree dirty too; a clean tree is written without --force', () => {
  const root = committedRepo({ 'src/train.js': CONVERTIBLE });
  writeFileSync(join(root, 'notes.txt'), 'untracked\n');
  assert.is(runCli(root, ['src', '--decay', '0.75']).status, 2);
  git(root, 'add', 'notes.txt');
  git(root, 'commit', '-q', '-m', 'notes');
  const run = runCli(root, ['src', '--decay', '0.75']);
  assert.is(run.status, 0, run.stderr);
  assert.ok(read(root, 'src/train.js').includes('install(tf);'));
  assert.ok(git(root, 'status', '--porcelain').includes('src/train.js'));
});

test('the JSON report lists every file with its status and sites', () => {
  const root = tempTree({ 'a.js': CONVERTIBLE, 'b.js': UNCONVERTIBLE, 'c.js': 'export const c = 1;\n' });
  const run = runCli(root, ['.', '--decay', '0.75', '--dry', '--json', 'out/../report.json']);
  assert.is(run.status, 0, run.stderr);
  const report = JSON.parse(read(root, 'report.json')) as Report;
  assert.equal(report.files, [
    { path: 'a.js', status: 'modified', sites: [{ line: 3, column: 28, kind: 'compile-string', converted: true }] },
    {
      path: 'b.js', status: 'unchanged',
      sites: [{ line: 2, column: 29, kind: 'factory', converted: false, reason: "the optimizer is built in a factory function ('make'); convert it where the model is known" }],
    },
    { path: 'c.js', status: 'skipped', sites: [] },
  ]);
  assert.equal(report.summary, {
    filesScanned: 3, filesModified: 1, filesUnchanged: 1, filesSkipped: 1, filesWithErrors: 0, sitesConverted: 1, sitesNotConverted: 1,
  });
  assert.ok(run.stdout.includes('not converted  b.js:2:29  factory:'), run.stdout);
  assert.ok(run.stdout.includes('files: 3 scanned, 1 would be modified, 1 unchanged, 1 skipped, 0 with errors'), run.stdout);
  assert.ok(run.stdout.includes('sites: 1 converted, 1 not converted'), run.stdout);
});

test('--diff prints a unified diff of each change', () => {
  const root = tempTree({ 'a.js': CONVERTIBLE });
  const run = runCli(root, ['a.js', '--decay', '0.75', '--dry', '--diff']);
  assert.is(run.status, 0, run.stderr);
  assert.ok(run.stdout.includes('--- a/a.js\n+++ b/a.js\n'), run.stdout);
  assert.ok(run.stdout.includes("-model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });"), run.stdout);
  assert.ok(run.stdout.includes("+model.compile({ optimizer: tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });"), run.stdout);
  assert.ok(run.stderr.includes('files: 1 scanned'), 'the summary goes to stderr so that stdout is a clean patch');
});

test('directories and globs skip node_modules and what .gitignore ignores; a file named explicitly is read', () => {
  const root = tempTree({
    '.gitignore': 'generated/\n*.gen.js\n',
    'src/a.js': CONVERTIBLE,
    'src/b.gen.js': CONVERTIBLE,
    'src/nested/.gitignore': 'local.js\n',
    'src/nested/local.js': CONVERTIBLE,
    'src/nested/kept.ts': CONVERTIBLE,
    'generated/c.js': CONVERTIBLE,
    'node_modules/dep/d.js': CONVERTIBLE,
    'src/types.d.ts': 'export declare const x: number;\n',
    'src/readme.md': 'tf.train.adam\n',
  });
  const paths = (args: string[]) => (JSON.parse(runCli(root, [...args, '--decay', '0.75', '--dry', '--json', '-']).stdout) as Report).files.map((file) => file.path);
  assert.equal(paths(['.']), ['src/a.js', 'src/nested/kept.ts']);
  assert.equal(paths(['**/*.js']), ['src/a.js']);
  assert.equal(paths(['generated/c.js', 'src']), ['generated/c.js', 'src/a.js', 'src/nested/kept.ts']);
});

test('writes keep the file mode and the shebang', () => {
  const root = tempTree({ 'train.js': `#!/usr/bin/env node\n${CONVERTIBLE}` });
  chmodSync(join(root, 'train.js'), 0o755);
  assert.is(runCli(root, ['train.js', '--decay', '0.75']).status, 0);
  assert.is(statSync(join(root, 'train.js')).mode & 0o777, 0o755);
  assert.ok(read(root, 'train.js').startsWith('#!/usr/bin/env node\nimport * as tf'));
  assert.equal(readdirSync(root), ['train.js'], 'no temporary file is left behind');
});

test('the code cache: written by the first run into the temp folder, kept by the next, a damaged one replaced', () => {
  const temp = tempTree({});
  const env = { ...process.env, TMPDIR: temp };
  const cache = join(temp, 'tfjs-layer-decay-code-cache');
  const root = tempTree({ 'a.js': CONVERTIBLE });
  const first = runCli(root, ['a.js', '--decay', '0.75', '--dry', '--diff'], env);
  assert.is(first.status, 0, first.stderr);
  const files = readdirSync(cache);
  assert.ok(files.some((file) => file.startsWith('typescript.js-')), files.join(', '));
  const written = files.map((file) => statSync(join(cache, file)).mtimeMs);
  const second = runCli(root, ['a.js', '--decay', '0.75', '--dry', '--diff'], env);
  assert.is(second.stdout, first.stdout);
  assert.equal(files.map((file) => statSync(join(cache, file)).mtimeMs), written, 'a cache that fits is read, not written again');
  for (const file of files) writeFileSync(join(cache, file), 'not a code cache');
  const third = runCli(root, ['a.js', '--decay', '0.75', '--dry', '--diff'], env);
  assert.is(third.status, 0, third.stderr);
  assert.is(third.stdout, first.stdout);
  assert.ok(files.every((file) => statSync(join(cache, file)).size > 1000), 'a damaged cache is rejected and written again');
});

test('the code cache: a cache folder that other users can write is neither read nor written', () => {
  const temp = tempTree({});
  const cache = join(temp, 'tfjs-layer-decay-code-cache');
  mkdirSync(cache);
  chmodSync(cache, 0o777);
  const root = tempTree({ 'a.js': CONVERTIBLE });
  const run = runCli(root, ['a.js', '--decay', '0.75', '--dry', '--diff'], { ...process.env, TMPDIR: temp });
  assert.is(run.status, 0, run.stderr);
  assert.ok(run.stdout.includes('+++ b/a.js'), run.stdout);
  assert.equal(readdirSync(cache), []);
});

test.run();

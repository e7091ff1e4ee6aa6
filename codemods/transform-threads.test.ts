// The transform worker (transform-threads.ts) reports and writes exactly what the main thread
// alone does, in the same order, on a real tree: every fixture input in two folders, a file that
// does not parse, one that cannot be read, a skipped file. A worker that cannot start, or fails after taking files,
// loses none of them; a run with nothing to transform ends (its worker is stopped).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures } from './fixtures.test.support.js';
import { tempTree } from './cli.test.support.js';
import { runCodemod, type RunOptions } from './runner.js';

const COPIES = 2;
const BROKEN = "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential(;\nmodel.compile({ optimizer: 'adam' });\n";
const files: Record<string, string> = { 'skipped.js': 'export const skipped = 1;\n', 'z/broken.ts': BROKEN };
for (let copy = 0; copy < COPIES; copy++) {
  for (const fixture of fixtures()) files[`copy-${copy}/${fixture.inputFile}`] = fixture.input;
}

/** A fresh copy of the tree, with a link to a missing file (read fails). */
function tree(): string {
  const root = tempTree(files);
  symlinkSync(join(root, 'missing.js'), join(root, 'y-unreadable.js'));
  return root;
}

/** --dry runs share one tree. */
const dryTree = tree();

/** A run's report (its temp folder named <root>), the changes it announced in order, and (writing) the files after it. */
async function run(transformWorker: URL | false | undefined, dry: boolean) {
  const root = dry ? dryTree : tree();
  const changes: string[] = [];
  const options: RunOptions = {
    patterns: ['.'], cwd: root, transform: { decay: 0.75 }, dry, force: true, transformWorker,
    onChange: (path, before, after) => changes.push(`${path}\n${before}\n${after}`),
  };
  const outcome = await runCodemod(options);
  if (outcome.kind !== 'done') throw new Error(`run: ${outcome.kind}`);
  const written = dry ? [] : Object.keys(files).map((path) => readFileSync(join(root, path), 'utf8'));
  return { json: JSON.stringify(outcome.report, null, 2).replaceAll(root, '<root>'), changes, written };
}

// The threaded runs come first: this thread has not loaded ts-morph yet, so it leaves every
// candidate to the worker. The failing workers
// come next (their files are all transformed here), then this thread alone.
const threadedDry = await run(undefined, true);
const threadedWrite = await run(undefined, false);
const failing = await run(new URL('./failing-transform-worker.test.support.js', import.meta.url), true);
const missing = await run(new URL('./no-such-worker.js', import.meta.url), true);
const inThreadDry = await run(false, true);
const inThreadWrite = await run(false, false);

test('the tree holds every kind of file', () => {
  const report = JSON.parse(inThreadDry.json) as { summary: Record<string, number> };
  assert.ok(report.summary.filesModified > 0 && report.summary.filesUnchanged > 0 && report.summary.filesSkipped > 0, JSON.stringify(report.summary));
  assert.is(report.summary.filesWithErrors, 2);
});

test('the worker gives the same report and the same changes, in the same order', () => {
  assert.is(threadedDry.json, inThreadDry.json);
  assert.equal(threadedDry.changes, inThreadDry.changes);
});

test('the worker gives the same files written', () => {
  assert.is(threadedWrite.json, inThreadWrite.json);
  assert.equal(threadedWrite.written, inThreadWrite.written);
  assert.equal(threadedWrite.changes, inThreadWrite.changes);
});

test('a worker that fails after taking files: they are transformed on the main thread', () => {
  assert.is(failing.json, inThreadDry.json);
  assert.equal(failing.changes, inThreadDry.changes);
});

test('a worker that cannot start: every file transformed on the main thread', () => {
  assert.is(missing.json, inThreadDry.json);
});

test('a run with nothing to transform ends', async () => {
  const root = tempTree({ 'a.js': 'export const a = 1;\n' });
  const outcome = await runCodemod({ patterns: ['.'], cwd: root, transform: { decay: 0.75 }, dry: true, force: false });
  assert.is(outcome.kind, 'done');
});

test.run();

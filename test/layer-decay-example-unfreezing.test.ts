// examples/gradual-unfreezing, run as a user runs it (compiled, its own process, --quick), held to
// what it shows: in the gradual run every layer group below the head keeps its pre-trained variables
// bit for bit, BatchNormalization moving statistics included, until the epoch its group unfreezes
// (epoch (6 − layer) × every, computed here from the flags, not read from the example), and moves
// after; the head-only run moves nothing below the head and keeps the old digits exactly; the chart
// holds the three runs and a mark per unfreezing; the printed table says what results.json holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'gradual-unfreezing-'));
const EVERY = 1;
const run = promisify(execFile)(process.execPath, [join(root, 'dist/examples/gradual-unfreezing/main.js'), '--quick', '--seed', '7', '--every', String(EVERY), '--out', out], {
  cwd: root, maxBuffer: 64 << 20, timeout: 300_000,
});
run.catch(() => {}); // awaited by the tests; keeps an early failure from being an unhandled rejection

interface LayerState { layerId: number; name: string; weightsUnchanged: boolean; statisticsUnchanged: boolean | null }
interface EpochRecord { epoch: number; loss: number | null; newDigitsAccuracy: number; oldDigitsAccuracy: number; frozenBelow: number; layers: LayerState[] }
interface FineTuning { kind: 'all' | 'gradual' | 'head'; label: string; epochs: EpochRecord[]; unfreezes: Array<{ epoch: number; below: number; joined: string }> }
interface Results {
  backend: string;
  options: { epochs: number; every: number };
  table: string;
  numLayers: number;
  pretraining: { oldDigitsAccuracy: number };
  fineTunings: FineTuning[];
}

const NUM_LAYERS = 6; // stem 0, blocks 1..5, the new head 6
const GROUP_NAMES = ['stem', 'block 1', 'block 2', 'block 3', 'block 4', 'block 5', 'head'];
/** ULMFiT's schedule: the head trains from epoch 0, layer id i from epoch (top − i) × every (0-based epochs). */
const firstTrainedEpoch = (layerId: number) => (NUM_LAYERS - layerId) * EVERY;

const results = async () => {
  const { stdout } = await run;
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  const byKind = (kind: FineTuning['kind']) => r.fineTunings.find((f) => f.kind === kind)!;
  return { stdout, r, all: byKind('all'), gradual: byKind('gradual'), head: byKind('head') };
};

test('gradual-unfreezing --quick: the head first, then one more layer group every epoch, from the top', async () => {
  const { r, gradual } = await results();
  assert.is(r.backend, 'cpu');
  assert.is(r.numLayers, NUM_LAYERS);
  assert.is(r.options.every, EVERY);
  const expected = [];
  for (let k = 0; k <= NUM_LAYERS && k * EVERY < r.options.epochs; k++) expected.push({ epoch: k * EVERY, below: NUM_LAYERS - k, joined: GROUP_NAMES[NUM_LAYERS - k] });
  assert.equal(gradual.unfreezes.map(({ epoch, below, joined }) => ({ epoch, below, joined })), expected);
  assert.is(expected.at(-1)!.below, 0, '--quick runs long enough that the stem unfreezes too');
});

test('gradual-unfreezing --quick: a frozen group keeps its pre-trained variables bit for bit, BatchNormalization statistics included, until it unfreezes', async () => {
  const { r, gradual } = await results();
  assert.is(gradual.epochs.length, r.options.epochs + 1);
  for (const record of gradual.epochs) {
    assert.equal(record.layers.map((l) => l.name), GROUP_NAMES);
    for (const layer of record.layers) {
      // After `record.epoch` epochs, the group has trained iff its first epoch is among them.
      const trained = record.epoch > firstTrainedEpoch(layer.layerId);
      const where = `after epoch ${record.epoch}, ${layer.name}`;
      assert.is(layer.weightsUnchanged, !trained, `${where}: weights ${trained ? 'moved' : 'as pre-trained'}`);
      // Every group below the head has BatchNormalizations; the new head has none.
      assert.is(layer.statisticsUnchanged, layer.layerId === NUM_LAYERS ? null : !trained, `${where}: moving statistics ${trained ? 'moved' : 'as pre-trained'}`);
    }
  }
});

test('gradual-unfreezing --quick: all at once moves every group in the first epoch; head only moves the head alone and keeps the old digits exactly', async () => {
  const { r, all, head } = await results();
  for (const record of all.epochs.slice(1)) {
    for (const layer of record.layers) assert.ok(!layer.weightsUnchanged && layer.statisticsUnchanged !== true, `all at once, after epoch ${record.epoch}: ${layer.name} moved`);
  }
  for (const record of head.epochs) {
    assert.is(record.frozenBelow, NUM_LAYERS);
    for (const layer of record.layers.slice(0, NUM_LAYERS)) assert.ok(layer.weightsUnchanged && layer.statisticsUnchanged === true, `head only, after epoch ${record.epoch}: ${layer.name} as pre-trained`);
    assert.is(record.layers[NUM_LAYERS]!.weightsUnchanged, record.epoch === 0, `head only, after epoch ${record.epoch}: the head`);
    assert.is(record.oldDigitsAccuracy, r.pretraining.oldDigitsAccuracy, `head only, after epoch ${record.epoch}: digits 0–4 as before fine-tuning`);
  }
  // Same new head, same batches: until block 5 unfreezes the gradual run is the head-only run.
  const { gradual } = await results();
  assert.equal(gradual.epochs.slice(0, firstTrainedEpoch(5) + 1), head.epochs.slice(0, firstTrainedEpoch(5) + 1));
});

test('gradual-unfreezing --quick: it learns (5 classes: chance is 0.2)', async () => {
  const { r } = await results();
  assert.ok(r.pretraining.oldDigitsAccuracy > 0.4, `pre-training on 0–4 reached ${r.pretraining.oldDigitsAccuracy}`);
  for (const f of r.fineTunings) {
    const losses = f.epochs.slice(1).map((e) => e.loss!);
    assert.ok(losses.at(-1)! < losses[0]!, `${f.label}: the loss went down (${losses.join(', ')})`);
    // 200 test images: 0.29 is more than three standard deviations above chance. Not asked of the
    // head alone: on the features of a short pre-training it may stay near chance in 7 epochs.
    if (f.kind !== 'head') assert.ok(f.epochs.at(-1)!.newDigitsAccuracy > 0.29, `${f.label}: digits 5–9 ${f.epochs.at(-1)!.newDigitsAccuracy}`);
  }
});

test('gradual-unfreezing --quick: the printed table holds the final numbers of results.json', async () => {
  const { stdout, r } = await results();
  assert.ok(stdout.includes(r.table), 'the table in results.json is the one printed');
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  // The table's rows, after its header (the lines of each epoch start with the runs' names too).
  const table = stdout.slice(stdout.indexOf('digits 5–9 (new)   digits 0–4 (old)   final loss')).split('\n');
  const row = (start: string) => {
    const line = table.find((l) => l.startsWith(start));
    assert.ok(line, `a table row '${start}'`);
    return line.slice(start.length).trim().split(/\s{3,}/);
  };
  assert.equal(row('pre-trained, before fine-tuning'), ['–', pct(r.pretraining.oldDigitsAccuracy), '–']);
  const starts = { all: 'all layers at once', gradual: 'gradual unfreezing, one more group every epoch', head: 'head only, everything below it frozen' };
  for (const f of r.fineTunings) {
    const last = f.epochs.at(-1)!;
    assert.equal(row(starts[f.kind]), [pct(last.newDigitsAccuracy), pct(last.oldDigitsAccuracy), last.loss!.toFixed(3)], f.label);
  }
});

test('gradual-unfreezing --quick: unfreezing.svg draws the three runs in each panel, every epoch, and a labelled mark per unfreezing', async () => {
  const { r, gradual } = await results();
  const svg = readFileSync(join(out, 'unfreezing.svg'), 'utf8');
  const field = (label: string, name: string) => new RegExp(`${name}[^:;]*: ([^;]+)`).exec(label)?.[1];
  const lines = marks(svg, 'line mark').map((l) => field(l, 'run'));
  for (const f of r.fineTunings) assert.is(lines.filter((run) => run === f.label).length, 3, `'${f.label}': a line in each of the three panels`);
  const points = marks(svg, 'point');
  for (const f of r.fineTunings) {
    for (const e of f.epochs) {
      const at = points.filter((p) => field(p, 'run') === f.label && Number(field(p, 'epoch')) === e.epoch);
      const shown = (name: string) => at.map((p) => field(p, name)).find((v) => v !== undefined);
      // The accuracy axes show whole percents; the loss is written in full.
      assert.ok(Math.abs(Number(shown('accuracy on digits 5–9')!.replace('%', '')) - 100 * e.newDigitsAccuracy) <= 0.5 + 1e-6, `${f.label}, epoch ${e.epoch}: new digits`);
      assert.ok(Math.abs(Number(shown('accuracy kept on digits 0–4')!.replace('%', '')) - 100 * e.oldDigitsAccuracy) <= 0.5 + 1e-6, `${f.label}, epoch ${e.epoch}: old digits`);
      if (e.loss !== null) assert.ok(Math.abs(Number(shown('training loss')) - e.loss) < 1e-9, `${f.label}, epoch ${e.epoch}: loss`);
    }
  }
  const unfrozen = gradual.unfreezes.filter((u) => u.epoch > 0);
  const labels = marks(svg, 'text mark').map((l) => `${field(l, 'epoch')} ${field(l, 'label')}`);
  assert.equal(labels.sort(), unfrozen.map((u) => `${u.epoch} + ${u.joined}`).sort(), 'one label per unfreezing, at its epoch');
  const rules = marks(svg, 'rule mark').map((l) => Number(field(l, 'epoch')));
  assert.equal(rules.sort(), [0, 1, 2].flatMap(() => unfrozen.map((u) => u.epoch)).sort(), 'a rule per unfreezing in each panel');
});

/** The aria-labels of an SVG's marks of one kind (vega writes the encoded fields there). */
function marks(svg: string, kind: string): string[] {
  return [...svg.matchAll(new RegExp(`aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${kind}"`, 'g'))].map((m) => m[1]!);
}

test.after(() => rmSync(out, { recursive: true, force: true }));

test.run();

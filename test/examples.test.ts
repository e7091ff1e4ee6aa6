// The examples, run as a user runs them (compiled, in their own process), and their outputs held to
// the numbers they must hold: every group's learning rate at every logged step equals
// schedule(step) × decay ** (numLayers − layer), computed here from MAE's formulas and the group's
// layer; accuracies above chance; the fused and the ops engine give the same accuracies; one chart
// line per group; results.json complete. The examples run at the same time (the ViT demo in --quick
// mode, once with each engine) to keep the file short.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'vit-finetune-'));
const opsOut = mkdtempSync(join(tmpdir(), 'vit-finetune-ops-'));

async function runExample(path: string, args: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'dist/examples', path), ...args], {
    cwd: root, maxBuffer: 64 << 20, timeout: 600_000,
  });
  return stdout;
}
// The default engine (fused on wasm, the demo's backend) and tfjs ops only, from the same seed.
const vitRun = runExample('vit-finetune/main.js', ['--quick', '--out', out, '--seed', '7']);
const vitOpsRun = runExample('vit-finetune/main.js', ['--quick', '--out', opsOut, '--seed', '7', '--engine', 'ops']);
const fitRun = runExample('fit/main.js');
const loopRun = runExample('custom-loop/main.js');
// Keep a failure of one run from surfacing as an unhandled rejection before its test awaits it.
for (const run of [vitRun, vitOpsRun, fitRun, loopRun]) run.catch(() => {});

/** MAE util/lr_sched.py adjust_learning_rate, per step: linear warmup from 0, then half-cosine to minLr. */
function warmupCosine(c: { lr: number; warmupSteps: number; totalSteps: number; minLr: number }, step: number): number {
  if (step < c.warmupSteps) return (c.lr * step) / c.warmupSteps;
  return c.minLr + (c.lr - c.minLr) * 0.5 * (1 + Math.cos((Math.PI * (step - c.warmupSteps)) / (c.totalSteps - c.warmupSteps)));
}

/** The layer ids a group name says (`layer_3_decay` -> [3], `layers_0-5_no_decay` -> [0..5]). */
function layersOf(group: string): number[] {
  const m = /^layers?_(\d+)(?:-(\d+))?(?:_|$)/.exec(group);
  assert.ok(m, `group name '${group}' names no layer`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** decay ** (numLayers − layer), one value for the whole group (a merged group's layers must share it). */
function expectedScale(group: string, decay: number, numLayers: number): number {
  const scales = layersOf(group).map((id) => decay ** (numLayers - id));
  assert.ok(scales.every((s) => Math.abs(s - scales[0]!) < 1e-12), `group '${group}' merges layers with different scales`);
  return scales[0]!;
}

function close(actual: number, expected: number, relative: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-12, `${what}: got ${actual}, expected ${expected}`);
}

// ---- the ViT demo ----------------------------------------------------------------------------

interface SweepPoint { images: number; steps: number; decay: number; repeat: number; newDigitsAccuracy: number; oldDigitsAccuracy: number; finalLoss: number }
interface Results {
  options: { finetuneSets: Array<{ perDigit: number; steps: number }>; pretrainSteps: number; decay: number; lr: number; seed: number; engine: string };
  schedules: Array<{ kind: string; lr: number; warmupSteps: number; totalSteps: number; minLr: number }>;
  pretraining: { oldDigitsAccuracy: number; finalLoss: number };
  table: string;
  sweepTable: string;
  wallSeconds: number;
  data: { testImagesPerTask: number };
  fineTunings: Array<SweepPoint & {
    label: string;
    groups: Array<{ name: string; lrScale: number }>;
    history: Array<{ step: number; loss: number; accuracy: number; lr: Record<string, number> }>;
  }>;
  sweep: SweepPoint[];
}
const VIT_NUM_LAYERS = 5; // 4 blocks + 1, MAE's num_layers for the demo's ViT
// The sweep the demo promises (issue 15): every decay at both fine-tuning set sizes.
const SWEEP_DECAYS = [1, 0.9, 0.75, 0.65, 0.5];
const SET_IMAGES = [500, 50];
const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;

test('vit-finetune --quick: results.json holds the table\'s two fine-tunings with real numbers', async () => {
  const stdout = await vitRun;
  const results = readResults(out);
  assert.is(results.options.seed, 7);
  assert.equal(results.fineTunings.map((f) => f.decay), [1, results.options.decay]);
  assert.ok(results.options.decay < 1);
  assert.ok(results.pretraining.oldDigitsAccuracy > 0.5, `pre-training on 0–4 reached ${results.pretraining.oldDigitsAccuracy}`);
  for (const f of results.fineTunings) {
    assert.is(f.images, SET_IMAGES[0]);
    // 5 classes: chance is 0.2. The quick run trains briefly, so the bar is modest but far from chance.
    assert.ok(f.newDigitsAccuracy > 0.35, `${f.label}: accuracy on digits 5–9 ${f.newDigitsAccuracy}`);
    // Through the kept head, forgetting may legitimately go down to chance: only a real fraction is required.
    assert.ok(f.oldDigitsAccuracy >= 0 && f.oldDigitsAccuracy <= 1, `${f.label}: accuracy on digits 0–4 ${f.oldDigitsAccuracy}`);
    assert.is(f.history.length, results.options.finetuneSets[0]!.steps);
    assert.ok(f.history.every((r) => Number.isFinite(r.loss) && r.accuracy >= 0 && r.accuracy <= 1));
    assert.ok(f.finalLoss < f.history[0]!.loss, `${f.label}: the loss did not go down`);
    assert.ok(stdout.includes(`${(100 * f.newDigitsAccuracy).toFixed(1)} %`), 'the printed table shows the saved numbers');
  }
  assert.ok(stdout.includes(results.table), 'the final table is printed');
  assert.ok(stdout.includes('layer_0_no_decay'), 'the group table is printed');
});

test('vit-finetune --quick: the sweep fine-tunes at every decay on 500 and 50 images, and prints it', async () => {
  const stdout = await vitRun;
  const results = readResults(out);
  const key = (p: { images: number; decay: number }) => `${p.images} images, decay ${p.decay}`;
  assert.equal(results.sweep.map(key).sort(), SET_IMAGES.flatMap((images) => SWEEP_DECAYS.map((decay) => key({ images, decay }))).sort());
  assert.ok(results.sweep.every((p) => p.repeat === 0), 'one fine-tuning per point without --sweep');
  results.options.finetuneSets.forEach((set, i) => {
    assert.is(5 * set.perDigit, SET_IMAGES[i]);
    assert.is(results.schedules[i]!.totalSteps, set.steps);
    assert.ok(results.sweep.filter((p) => p.images === SET_IMAGES[i]).every((p) => p.steps === set.steps));
  });
  // The table's runs are the sweep's points at 500 images, not other runs.
  for (const f of results.fineTunings) {
    const point = results.sweep.find((p) => p.images === f.images && p.decay === f.decay)!;
    assert.equal([point.newDigitsAccuracy, point.oldDigitsAccuracy, point.finalLoss], [f.newDigitsAccuracy, f.oldDigitsAccuracy, f.finalLoss]);
  }
  for (const p of results.sweep) {
    // The few-shot quick run is 13 steps on 50 images: above chance (0.2) by four standard errors of 250 images.
    assert.ok(p.newDigitsAccuracy > 0.3, `${key(p)}: accuracy on digits 5–9 ${p.newDigitsAccuracy}`);
    assert.ok(Number.isFinite(p.finalLoss));
  }
  // What layer-wise decay is for: the lower layers move less, so the old digits survive better.
  for (const images of SET_IMAGES) {
    const at = (decay: number) => results.sweep.find((p) => p.images === images && p.decay === decay)!.oldDigitsAccuracy;
    assert.ok(at(0.5) > at(1), `${images} images: digits 0–4 kept ${at(0.5)} at decay 0.5, ${at(1)} with one rate`);
  }
  assert.ok(stdout.includes(results.sweepTable), 'the sweep table is printed');
  for (const p of results.sweep) {
    const row = results.sweepTable.split('\n').find((line) => line.startsWith(p.decay === 1 ? '1 (one rate)' : `${p.decay} `));
    assert.ok(row?.includes(`${(100 * p.newDigitsAccuracy).toFixed(1)} %`), `the sweep table shows ${key(p)}`);
  }
});

test('vit-finetune --quick: the fused engine (default on wasm) and the ops engine give the same accuracies', async () => {
  const [fused, ops] = await Promise.all([vitRun.then(() => readResults(out)), vitOpsRun.then(() => readResults(opsOut))]);
  assert.equal([fused.options.engine, ops.options.engine], ['auto', 'ops']);
  // Both engines compute the same update in float32; an ulp of difference may at most flip one held-out image.
  const oneImage = 1 / fused.data.testImagesPerTask + 1e-9;
  const same = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= oneImage, `${what}: fused ${a}, ops ${b}`);
  same(fused.pretraining.oldDigitsAccuracy, ops.pretraining.oldDigitsAccuracy, 'pre-trained, digits 0–4');
  assert.is(fused.sweep.length, ops.sweep.length);
  fused.sweep.forEach((f, i) => {
    const o = ops.sweep[i]!;
    assert.equal([f.images, f.decay], [o.images, o.decay]);
    same(f.newDigitsAccuracy, o.newDigitsAccuracy, `${f.images} images, decay ${f.decay}, digits 5–9`);
    same(f.oldDigitsAccuracy, o.oldDigitsAccuracy, `${f.images} images, decay ${f.decay}, digits 0–4`);
  });
  fused.fineTunings.forEach((f, i) => f.history.forEach((r, step) =>
    close(r.loss, ops.fineTunings[i]!.history[step]!.loss, 1e-4, `${f.label}, loss at step ${step}`)));
});

test('vit-finetune --quick: every group used schedule(step) × decay ** (numLayers − layer) at every step', async () => {
  await vitRun;
  const results = readResults(out);
  const schedule = results.schedules[0]!;
  assert.is(schedule.kind, 'warmupCosine');
  assert.is(schedule.lr, results.options.lr);
  assert.is(schedule.totalSteps, results.options.finetuneSets[0]!.steps);
  const [oneRate, layerDecay] = results.fineTunings;
  // One learning rate: decay 1 makes every scale 1 (the groups differ in weight decay only).
  assert.equal(oneRate!.groups.map((g) => g.name).sort(), ['layers_0-5_decay', 'layers_0-5_no_decay']);
  // Layer-wise decay: a decay and a no-decay group for each of the layers 0..5.
  const expectedNames = [0, 1, 2, 3, 4, 5].flatMap((i) => [`layer_${i}_decay`, `layer_${i}_no_decay`]);
  assert.equal(layerDecay!.groups.map((g) => g.name).sort(), expectedNames.sort());
  for (const f of results.fineTunings) {
    for (const g of f.groups) close(g.lrScale, expectedScale(g.name, f.decay, VIT_NUM_LAYERS), 1e-12, `${f.label} ${g.name} lrScale`);
    f.history.forEach((record, step) => {
      assert.is(record.step, step);
      assert.equal(Object.keys(record.lr).sort(), f.groups.map((g) => g.name).sort());
      for (const g of f.groups) {
        const expected = warmupCosine(schedule, step) * expectedScale(g.name, f.decay, VIT_NUM_LAYERS);
        close(record.lr[g.name]!, expected, 1e-9, `${f.label}, step ${step}, lr/${g.name}`);
      }
    });
  }
  // The scales do what they are for: at the peak, the embeddings get decay^5 of the head's rate.
  const peak = layerDecay!.history[schedule.warmupSteps]!.lr;
  close(peak['layer_0_decay']! / peak['layer_5_decay']!, results.options.decay ** 5, 1e-9, 'embeddings / head rate');
});

test('vit-finetune --quick: lr-schedule.svg has one line per group, training.svg one per run (raw and smoothed)', async () => {
  await vitRun;
  const results = readResults(out);
  const lineGroups = (svg: string, field: string) => marks(svg, 'line mark').map((label) => new RegExp(`${field}: ([^;]+)`).exec(label)?.[1]);
  const lrSvg = readFileSync(join(out, 'lr-schedule.svg'), 'utf8');
  const groups = results.fineTunings[1]!.groups.map((g) => g.name).sort();
  assert.equal(lineGroups(lrSvg, 'group').sort(), groups, 'one line mark per group of the layer-decay run');
  const trainingSvg = readFileSync(join(out, 'training.svg'), 'utf8');
  const runs = lineGroups(trainingSvg, 'run');
  assert.is(runs.length, 4);
  for (const f of results.fineTunings) assert.is(runs.filter((r) => r === f.label).length, 2, `lines of '${f.label}'`);
});

test('vit-finetune --quick: decay-sweep.svg plots each sweep point, new digits against old, one line per set size', async () => {
  await vitRun;
  const results = readResults(out);
  const svg = readFileSync(join(out, 'decay-sweep.svg'), 'utf8');
  const field = (label: string, name: string) => new RegExp(`${name}[^:]*: ([^;]+)`).exec(label)?.[1];
  assert.equal(marks(svg, 'line mark').map((l) => field(l, 'set')).sort(), SET_IMAGES.map((n) => `${n} fine-tuning images`).sort());
  const points = marks(svg, 'point');
  assert.is(points.length, results.sweep.length);
  for (const p of results.sweep) {
    const label = points.find((l) => field(l, 'set') === `${p.images} fine-tuning images` && Number(field(l, 'decay')) === p.decay);
    assert.ok(label, `a point for ${p.images} images, decay ${p.decay}`);
    // The axes show whole percents: x the old digits, y the new ones.
    const shown = (name: string) => Number(field(label, name)!.replace('%', ''));
    assert.ok(Math.abs(shown('accuracy kept on digits 0–4') - 100 * p.oldDigitsAccuracy) <= 0.5 + 1e-6, `x of ${label}`);
    assert.ok(Math.abs(shown('accuracy on digits 5–9') - 100 * p.newDigitsAccuracy) <= 0.5 + 1e-6, `y of ${label}`);
  }
});

/** The aria-labels of an SVG's marks of one kind (vega writes the encoded fields there). */
function marks(svg: string, kind: string): string[] {
  return [...svg.matchAll(new RegExp(`aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${kind}"`, 'g'))].map((m) => m[1]!);
}

// ---- the two small examples --------------------------------------------------------------------

const SMALL_DECAY = 0.75; // the examples' layer decay
const SMALL_NUM_LAYERS = 3; // embed, blocks_0, blocks_1, head: layers 0..3

test('examples/fit (Graph mode): the rates in the fit history are schedule(step) × lrScale; it learns', async () => {
  const stdout = await fitRun;
  const config = JSON.parse(/^schedule: warmupCosine (\{.*\}), (\d+) steps per epoch$/m.exec(stdout)![1]!);
  const stepsPerEpoch = Number(/(\d+) steps per epoch/.exec(stdout)![1]);
  const epochs = [...stdout.matchAll(/^epoch (\d+) +loss (\S+) +acc \S+ +(.*)$/gm)];
  assert.ok(epochs.length >= 3, 'epoch lines printed');
  for (const [, epoch, , rates] of epochs) {
    const step = Number(epoch) * stepsPerEpoch - 1; // the history keeps the rate of the epoch's last step
    const pairs = [...rates!.matchAll(/lr\/(\S+) (\S+)/g)];
    assert.is(pairs.length, SMALL_NUM_LAYERS + 1);
    for (const [, group, rate] of pairs) {
      close(Number(rate), warmupCosine(config, step) * expectedScale(group!, SMALL_DECAY, SMALL_NUM_LAYERS), 1e-5, `epoch ${epoch} lr/${group}`);
    }
  }
  const losses = epochs.map((m) => Number(m[2]));
  assert.ok(losses.at(-1)! < losses[0]!, 'the loss went down');
  const accuracy = Number(/held-out accuracy (\S+)/.exec(stdout)![1]);
  assert.ok(accuracy > 0.5, `held-out accuracy ${accuracy} (10 classes: chance is 0.1)`);
});

test('examples/custom-loop (Eager mode): LayerScaleLR set schedule(step) × lrScale before each step; it learns', async () => {
  const stdout = await loopRun;
  const config = JSON.parse(/^schedule: warmupCosine (\{.*\})$/m.exec(stdout)![1]!);
  const steps = [...stdout.matchAll(/^step (\d+) +loss (\S+) +(.*)$/gm)];
  assert.ok(steps.length >= 5, 'step lines printed');
  for (const [, step, , rates] of steps) {
    const pairs = [...rates!.matchAll(/(layer\S+) (\S+)/g)];
    assert.is(pairs.length, 2 * (SMALL_NUM_LAYERS + 1), 'a decay and a no-decay group per layer');
    for (const [, group, rate] of pairs) {
      close(Number(rate), warmupCosine(config, Number(step)) * expectedScale(group!, SMALL_DECAY, SMALL_NUM_LAYERS), 1e-5, `step ${step} ${group}`);
    }
  }
  const losses = steps.map((m) => Number(m[2]));
  assert.ok(losses.at(-1)! < losses[0]!, 'the loss went down');
  const accuracy = Number(/held-out accuracy (\S+)/.exec(stdout)![1]);
  assert.ok(accuracy > 0.5, `held-out accuracy ${accuracy} (10 classes: chance is 0.1)`);
});

test.after(() => {
  for (const dir of [out, opsOut]) rmSync(dir, { recursive: true, force: true });
});

test.run();

// The examples, run as a user runs them (compiled, in their own process), and their outputs held to
// the numbers they must hold: every group's learning rate at every logged step equals
// schedule(step) × decay ** (numLayers − layer), computed here from MAE's formulas and the group's
// layer; accuracies above chance; one chart line per group; results.json complete.
// The three examples run at the same time (the ViT demo in --quick mode) to keep the file short.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'vit-finetune-'));

async function runExample(path: string, args: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'dist/examples', path), ...args], {
    cwd: root, maxBuffer: 64 << 20, timeout: 240_000,
  });
  return stdout;
}
const vitRun = runExample('vit-finetune/main.js', ['--quick', '--out', out, '--seed', '7']);
const fitRun = runExample('fit/main.js');
const loopRun = runExample('custom-loop/main.js');
// Keep a failure of one run from surfacing as an unhandled rejection before its test awaits it.
for (const run of [vitRun, fitRun, loopRun]) run.catch(() => {});

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

interface Results {
  options: { finetuneSteps: number; pretrainSteps: number; decay: number; lr: number; seed: number };
  schedule: { kind: string; lr: number; warmupSteps: number; totalSteps: number; minLr: number };
  pretraining: { oldDigitsAccuracy: number; finalLoss: number };
  table: string;
  wallSeconds: number;
  fineTunings: Array<{
    label: string; decay: number; newDigitsAccuracy: number; oldDigitsAccuracy: number; finalLoss: number;
    groups: Array<{ name: string; lrScale: number }>;
    history: Array<{ step: number; loss: number; accuracy: number; lr: Record<string, number> }>;
  }>;
}
const VIT_NUM_LAYERS = 5; // 4 blocks + 1, MAE's num_layers for the demo's ViT

test('vit-finetune --quick: results.json holds both fine-tunings with real numbers', async () => {
  const stdout = await vitRun;
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  assert.is(results.options.seed, 7);
  assert.equal(results.fineTunings.map((f) => f.decay), [1, results.options.decay]);
  assert.ok(results.options.decay < 1);
  assert.ok(results.pretraining.oldDigitsAccuracy > 0.5, `pre-training on 0–4 reached ${results.pretraining.oldDigitsAccuracy}`);
  for (const f of results.fineTunings) {
    // 5 classes: chance is 0.2. The quick run trains briefly, so the bar is modest but far from chance.
    assert.ok(f.newDigitsAccuracy > 0.35, `${f.label}: accuracy on digits 5–9 ${f.newDigitsAccuracy}`);
    // Through the kept head, forgetting may legitimately go down to chance: only a real fraction is required.
    assert.ok(f.oldDigitsAccuracy >= 0 && f.oldDigitsAccuracy <= 1, `${f.label}: accuracy on digits 0–4 ${f.oldDigitsAccuracy}`);
    assert.is(f.history.length, results.options.finetuneSteps);
    assert.ok(f.history.every((r) => Number.isFinite(r.loss) && r.accuracy >= 0 && r.accuracy <= 1));
    assert.ok(f.finalLoss < f.history[0]!.loss, `${f.label}: the loss did not go down`);
    assert.ok(stdout.includes(`${(100 * f.newDigitsAccuracy).toFixed(1)} %`), 'the printed table shows the saved numbers');
  }
  assert.ok(stdout.includes(results.table), 'the final table is printed');
  assert.ok(stdout.includes('layer_0_no_decay'), 'the group table is printed');
});

test('vit-finetune --quick: every group used schedule(step) × decay ** (numLayers − layer) at every step', async () => {
  await vitRun;
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  const schedule = results.schedule;
  assert.is(schedule.kind, 'warmupCosine');
  assert.is(schedule.lr, results.options.lr);
  assert.is(schedule.totalSteps, results.options.finetuneSteps);
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
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  const lineGroups = (svg: string, field: string) =>
    [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g)]
      .map((m) => new RegExp(`${field}: ([^;]+)`).exec(m[1]!)?.[1]);
  const lrSvg = readFileSync(join(out, 'lr-schedule.svg'), 'utf8');
  const groups = results.fineTunings[1]!.groups.map((g) => g.name).sort();
  assert.equal(lineGroups(lrSvg, 'group').sort(), groups, 'one line mark per group of the layer-decay run');
  const trainingSvg = readFileSync(join(out, 'training.svg'), 'utf8');
  const runs = lineGroups(trainingSvg, 'run');
  assert.is(runs.length, 4);
  for (const f of results.fineTunings) assert.is(runs.filter((r) => r === f.label).length, 2, `lines of '${f.label}'`);
});

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

test.after(() => rmSync(out, { recursive: true, force: true }));

test.run();

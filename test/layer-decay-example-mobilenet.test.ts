// examples/mobilenet-finetune, run as a user runs it (compiled, its own process, --quick), held to
// what it must show: the new head and blocks of the cut MobileNet found by their Keras names, every
// group's rate at every step equal to schedule(step) × decay ** (6 − layer) from MAE's formulas (5
// blocks: stem 0, blocks 1..5, the new head 6), the stem frozen (rate 0, weights unchanged), and
// accuracies above chance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'mobilenet-finetune-'));
const run = promisify(execFile)(process.execPath, [join(root, 'dist/examples/mobilenet-finetune/main.js'), '--quick', '--seed', '7', '--out', out], {
  cwd: root, maxBuffer: 64 << 20, timeout: 300_000,
});
run.catch(() => {}); // awaited by the tests; keeps an early failure from being an unhandled rejection

interface Results {
  backend: string;
  options: { decay: number; lr: number; finetuneSteps: number };
  schedule: { kind: string; lr: number; warmupSteps: number; totalSteps: number; minLr: number };
  pretraining: { oldDigitsAccuracy: number };
  fineTunings: Array<{
    label: string; decay: number; frozenStem: boolean; numLayers: number; stemUnchanged: boolean;
    newDigitsAccuracy: number; oldDigitsAccuracy: number;
    groups: Array<{ name: string; layers: string; lrScale: number }>;
    history: Array<{ step: number; loss: number; lr: Record<string, number> }>;
  }>;
}

const NUM_LAYERS = 6; // stem 0, conv_dw_N / conv_pw_N -> N for N = 1..5, the new head 6

/** MAE util/lr_sched.py adjust_learning_rate: linear warmup from 0, then half-cosine to minLr. */
function warmupCosine(c: Results['schedule'], step: number): number {
  if (step < c.warmupSteps) return (c.lr * step) / c.warmupSteps;
  return c.minLr + (c.lr - c.minLr) * 0.5 * (1 + Math.cos((Math.PI * (step - c.warmupSteps)) / (c.totalSteps - c.warmupSteps)));
}

/** The scale of a group from its name, by the formula: `layer_3_decay` -> decay ** (6 − 3); frozen -> 0. */
function scaleOf(group: string, decay: number): number {
  if (group.endsWith('_frozen')) return 0;
  const m = /^layers?_(\d+)(?:-(\d+))?_/.exec(group);
  assert.ok(m, `group '${group}' names no layer`);
  const first = decay ** (NUM_LAYERS - Number(m[1]));
  const last = decay ** (NUM_LAYERS - Number(m[2] ?? m[1]));
  assert.is(first, last, `group '${group}' merges layers of different scales`);
  return first;
}

const results = async () => {
  const { stdout } = await run;
  return { stdout, results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results };
};

test('mobilenet-finetune --quick: the groups by block, read from the Keras names of the cut backbone with its new head', async () => {
  const { stdout, results: r } = await results();
  assert.is(r.backend, 'cpu');
  const [oneRate, decayed] = r.fineTunings;
  assert.equal(oneRate!.groups.map((g) => g.name), ['layers_0-6_decay', 'layers_0-6_no_decay']);
  const perLayer = [1, 2, 3, 4, 5, 6].flatMap((i) => [`layer_${i}_decay`, `layer_${i}_no_decay`]);
  assert.equal(decayed!.groups.map((g) => g.name), ['layer_0_frozen', ...perLayer]);
  for (const f of r.fineTunings) {
    assert.is(f.numLayers, NUM_LAYERS);
    for (const g of f.groups) assert.is(g.lrScale, scaleOf(g.name, f.decay), `${f.label} ${g.name}`);
  }
  assert.ok(stdout.includes('arch mobilenetv1 (auto: Keras layer names conv_dw_N / conv_pw_N (5 blocks'), 'the group table says how the ids were found');
  assert.ok(stdout.includes('layer_0_frozen    0               3'), 'the frozen stem (conv1 kernel, conv1_bn gamma and beta) is printed');
});

test('mobilenet-finetune --quick: every group used schedule(step) × decay ** (6 − layer) at every step; the stem stayed', async () => {
  const { results: r } = await results();
  assert.is(r.schedule.kind, 'warmupCosine');
  assert.is(r.schedule.totalSteps, r.options.finetuneSteps);
  for (const f of r.fineTunings) {
    assert.is(f.history.length, r.options.finetuneSteps);
    f.history.forEach((record, step) => {
      assert.is(record.step, step);
      assert.equal(Object.keys(record.lr).sort(), f.groups.map((g) => g.name).sort());
      for (const [group, rate] of Object.entries(record.lr)) {
        const expected = warmupCosine(r.schedule, step) * scaleOf(group, f.decay);
        assert.ok(Math.abs(rate - expected) <= 1e-9 * expected, `${f.label}, step ${step}, lr/${group}: ${rate}, expected ${expected}`);
      }
    });
    assert.is(f.stemUnchanged, f.frozenStem, `${f.label}: the stem ${f.frozenStem ? 'stays' : 'moves'}`);
  }
});

test('mobilenet-finetune --quick: it learns (5 classes: chance is 0.2)', async () => {
  const { results: r } = await results();
  assert.ok(r.pretraining.oldDigitsAccuracy > 0.4, `pre-training on 0–4 reached ${r.pretraining.oldDigitsAccuracy}`);
  for (const f of r.fineTunings) {
    // 250 test images: 0.28 is more than three standard deviations above chance.
    assert.ok(f.newDigitsAccuracy > 0.28, `${f.label}: digits 5–9 ${f.newDigitsAccuracy}`);
    assert.ok(f.history.slice(-5).reduce((s, h) => s + h.loss, 0) < f.history.slice(0, 5).reduce((s, h) => s + h.loss, 0), `${f.label}: the loss went down`);
  }
});

test.after(() => rmSync(out, { recursive: true, force: true }));

test.run();

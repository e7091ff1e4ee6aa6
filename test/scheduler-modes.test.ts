// Where the scale is applied: by the optimizer (OneFlow's Graph mode), by LayerScaleLR (its Eager
// mode), never by both. Every combination of optimizer learning rate (schedule or number) and
// scheduler gives each group schedule(t) × lrScale at step t, from step 0, and the same weights bit
// for bit; stock tfjs optimizers follow a schedule through the same scheduler.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as schedules from '../src/schedules.js';
import { GroupedOptimizer } from '../src/optimizer.js';
import { LayerScaleLR } from '../src/scheduler.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

const STEPS = 12;
const SCALES = [0.25, 1] as const;
const SCHEDULE = schedules.warmupCosine({ lr: 0.1, warmupSteps: 3, totalSteps: 10, minLr: 0.01 });
const OTHER_SCHEDULE = schedules.constant(7);

let uniqueId = 0;
/** Two groups (scales 0.25 and 1) of one variable each, loss sum(p): gradient 1 everywhere. */
function problem() {
  const id = uniqueId++;
  const vars = SCALES.map((_, i) => tf.variable(tf.zeros([3]), true, `modes-${id}/v${i}`));
  const groups = SCALES.map((lrScale, i) => ({ name: `g${i}`, params: [vars[i]!], lrScale }));
  const loss = () => tf.addN(vars.map((v) => v.sum())) as tf.Scalar;
  return { vars, groups, loss };
}

interface Run { lrs: number[][]; weights: Float32Array[] }

/**
 * Runs STEPS SGD steps, recording each group's rate just before each step (the rate the step uses).
 * `optimizerLr` is the optimizer's own learning rate; `scheduler` says whether a LayerScaleLR drives
 * the groups, and with which schedule ('default': the optimizer's own).
 */
function run(optimizerLr: schedules.LearningRate, scheduler: 'none' | 'default' | schedules.Schedule): Run {
  const { vars, groups, loss } = problem();
  const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: optimizerLr });
  const lrScaleLR = scheduler === 'none' ? null : new LayerScaleLR(optimizer, scheduler === 'default' ? undefined : scheduler);
  const lrs: number[][] = [];
  for (let t = 0; t < STEPS; t++) {
    lrs.push(optimizer.paramGroups.map((g) => g.lr));
    optimizer.minimize(loss);
    lrScaleLR?.step();
  }
  return { lrs, weights: vars.map((v) => v.dataSync() as Float32Array) };
}

const expectedLrs = () => Array.from({ length: STEPS }, (_, t) => SCALES.map((s) => SCHEDULE(t) * s));

test('native mode: the optimizer gives each group schedule(t) × lrScale, from step 0', () => {
  const { lrs, weights } = run(SCHEDULE, 'none');
  assert.equal(lrs, expectedLrs());
  // sgd with gradient 1: each weight is −Σ rate; the scale is applied once (0.25, not 0.0625)
  SCALES.forEach((s, i) => {
    const expected = -Array.from({ length: STEPS }, (_, t) => SCHEDULE(t) * s).reduce((a, b) => a + b);
    for (const w of weights[i]!) assert.ok(Math.abs(w - expected) < 1e-6, `group ${i}: ${w} vs ${expected}`);
  });
});

const COMBINATIONS: Array<[string, schedules.LearningRate, 'default' | schedules.Schedule]> = [
  ['optimizer schedule + LayerScaleLR(optimizer)', SCHEDULE, 'default'],
  ['optimizer schedule + LayerScaleLR(optimizer, the same schedule)', SCHEDULE, SCHEDULE],
  ['another optimizer schedule + LayerScaleLR(optimizer, schedule): the scheduler\'s wins', OTHER_SCHEDULE, SCHEDULE],
  ['optimizer number + LayerScaleLR(optimizer, schedule)', 3, SCHEDULE],
];

for (const [name, optimizerLr, scheduler] of COMBINATIONS) {
  test(`${name}: the same rates and the same weights, bit for bit, as native mode`, () => {
    const native = run(SCHEDULE, 'none');
    const eager = run(optimizerLr, scheduler);
    assert.equal(eager.lrs, expectedLrs());
    eager.weights.forEach((w, i) => assert.equal(Array.from(w), Array.from(native.weights[i]!), `group ${i}`));
  });
}

test('optimizer number + LayerScaleLR(optimizer): the number × lrScale, as native mode with that number', () => {
  const native = run(0.3, 'none');
  const eager = run(0.3, 'default');
  assert.equal(eager.lrs, Array.from({ length: STEPS }, () => SCALES.map((s) => 0.3 * s)));
  eager.weights.forEach((w, i) => assert.equal(Array.from(w), Array.from(native.weights[i]!)));
});

test('LayerScaleLR sets rates on construction, overrides the optimizer and never compounds', () => {
  const { groups } = problem();
  const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: SCHEDULE });
  const scheduler = new LayerScaleLR(optimizer);
  assert.equal(optimizer.paramGroups.map((g) => g.lrOverride), SCALES.map((s) => SCHEDULE(0) * s), 'set on construction');
  scheduler.step(5);
  scheduler.step(5);
  new LayerScaleLR(optimizer, undefined, { step: 5 }); // a second scheduler on the same optimizer
  assert.equal(optimizer.paramGroups.map((g) => g.lr), SCALES.map((s) => SCHEDULE(5) * s), 'scaled once');
  assert.equal(scheduler.getLastLr(), SCALES.map((s) => SCHEDULE(5) * s));
  // setLearningRate hands the rates back to the optimizer (native mode) until the scheduler steps again
  optimizer.setLearningRate(0.5);
  assert.equal(optimizer.paramGroups.map((g) => g.lr), SCALES.map((s) => 0.5 * s));
  scheduler.step();
  assert.is(scheduler.lastStep, 6);
  assert.equal(optimizer.paramGroups.map((g) => g.lr), SCALES.map((s) => SCHEDULE(6) * s));
});

test('a scheduler built on a restored optimizer starts at optimizer.iterations', () => {
  const { groups, loss } = problem();
  const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: 1 });
  for (let i = 0; i < 4; i++) optimizer.minimize(loss);
  const scheduler = new LayerScaleLR(optimizer, SCHEDULE);
  assert.is(scheduler.lastStep, 4);
  assert.equal(scheduler.getLastLr(), SCALES.map((s) => SCHEDULE(4) * s));
});

// OneFlow's class, line for line: update_lrs sets group["lr"] = lr * group["lr_scale"] and keeps
// the BASE rate in _last_lr. (updateLrs first runs inside the base constructor, before a subclass's
// own fields are initialized, so the call count lives outside the class.)
let seedCalls = 0;
class SeedLayerScaleLR extends LayerScaleLR {
  override updateLrs(lrs: readonly number[]) {
    seedCalls++;
    this.lastLr = [];
    this.paramGroups.forEach((group, i) => {
      const lr = lrs[i]!;
      if (group.lrScale !== undefined) group.lr = lr * group.lrScale;
      else group.lr = lr;
      this.lastLr.push(lr);
    });
  }
}

test('a subclass overriding updateLrs (OneFlow\'s code) drives the optimizer the same way', () => {
  const { vars, groups, loss } = problem();
  const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: 0 });
  const scheduler = new SeedLayerScaleLR(optimizer, SCHEDULE);
  assert.is(seedCalls, 1, 'updateLrs runs on construction');
  for (let t = 0; t < STEPS; t++) {
    assert.equal(scheduler.getLastLr(), [SCHEDULE(t), SCHEDULE(t)], 'OneFlow keeps the base rate in _last_lr');
    optimizer.minimize(loss);
    scheduler.step();
  }
  assert.is(seedCalls, STEPS + 1);
  const native = run(SCHEDULE, 'none');
  vars.forEach((v, i) => assert.equal(Array.from(v.dataSync()), Array.from(native.weights[i]!)));
});

test('scaleMinLr: false: minLr + (schedule − minLr) × lrScale in both modes, and every group ends at minLr', () => {
  const floorRun = (eager: boolean) => {
    const { vars, groups, loss } = problem();
    const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: SCHEDULE, scaleMinLr: false });
    const scheduler = eager ? new LayerScaleLR(optimizer) : null;
    const lrs: number[][] = [];
    for (let t = 0; t < STEPS; t++) {
      lrs.push(optimizer.paramGroups.map((g) => g.lr));
      optimizer.minimize(loss);
      scheduler?.step();
    }
    return { lrs, weights: vars.map((v) => Array.from(v.dataSync())) };
  };
  const native = floorRun(false);
  const eager = floorRun(true);
  const minLr = 0.01;
  native.lrs.forEach((rates, t) => rates.forEach((r, i) => {
    const expected = minLr + (SCHEDULE(t) - minLr) * SCALES[i]!;
    assert.ok(Math.abs(r - expected) < 1e-17, `step ${t} group ${i}: ${r} vs ${expected}`);
  }));
  assert.equal(native.lrs[10], [minLr, minLr], 'at the end of the schedule every group has minLr, unscaled');
  assert.equal(eager.lrs, native.lrs);
  assert.equal(eager.weights, native.weights);
  // and the option survives getConfig/fromConfig
  const { groups } = problem();
  const saved = new GroupedOptimizer('sgd', groups, { learningRate: SCHEDULE, scaleMinLr: false }).getConfig();
  const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, saved) as GroupedOptimizer;
  assert.is(restored.scaleMinLr, false);
});

// ---------------------------------------------------------------------------------------------
// Stock tfjs optimizers: one group without a scale. SGD and Momentum bake the rate into a constant
// (setLearningRate); Adam reads its learningRate field each step.

/** Runs a stock optimizer STEPS steps on loss sum(p) (gradient 1) under LayerScaleLR(SCHEDULE). */
function stockRun(optimizer: tf.Optimizer) {
  const v = tf.variable(tf.zeros([2]), true, `stock-${uniqueId++}`);
  const scheduler = new LayerScaleLR(optimizer, SCHEDULE);
  const seen: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    seen.push(scheduler.getLastLr()[0]!);
    optimizer.minimize(() => v.sum() as tf.Scalar);
    scheduler.step();
  }
  return { seen, p: v.dataSync()[0]! };
}

const scheduled = Array.from({ length: STEPS }, (_, t) => SCHEDULE(t));

test('stock SGD follows the schedule (through setLearningRate)', () => {
  const { seen, p } = stockRun(tf.train.sgd(123));
  assert.equal(seen, scheduled);
  const expected = -scheduled.reduce((a, b) => a + b); // p ← p − lr_t · 1
  assert.ok(Math.abs(p - expected) < 1e-6, `${p} vs ${expected}`);
});

test('stock Momentum follows the schedule (through setLearningRate)', () => {
  const { seen, p } = stockRun(tf.train.momentum(123, 0.9));
  assert.equal(seen, scheduled);
  // tfjs momentum: a ← 0.9 a + g; p ← p − lr_t · a
  let a = 0;
  let expected = 0;
  for (const lr of scheduled) { a = 0.9 * a + 1; expected -= lr * a; }
  assert.ok(Math.abs(p - expected) < 1e-5 * Math.abs(expected), `${p} vs ${expected}`);
});

test('stock Adam follows the schedule (through its learningRate field)', () => {
  const { seen, p } = stockRun(tf.train.adam(123));
  assert.equal(seen, scheduled);
  // constant gradient 1: the bias-corrected m / sqrt(v) is 1, so each step moves by lr_t / (1 + eps)
  const expected = -scheduled.reduce((a, b) => a + b);
  assert.ok(Math.abs(p - expected) < 1e-5 * Math.abs(expected), `${p} vs ${expected}`);
});

test.run();

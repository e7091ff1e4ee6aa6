// Every schedule's values at chosen steps, against numbers worked out by hand (tables) or by the
// source's formula written out here (MAE's adjust_learning_rate, PyTorch's OneCycleLR), and every
// schedule rebuilt from its config (what a checkpoint stores) gives the same values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as schedules from '../src/schedules.js';
import type { Schedule } from '../src/schedules.js';

const { SQRT1_2, PI, cos } = Math;

/** [step, expected rate] */
type Table = ReadonlyArray<readonly [number, number]>;

function assertTable(name: string, schedule: Schedule, table: Table) {
  for (const [step, expected] of table) {
    const got = schedule(step);
    const tolerance = 1e-12 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(got - expected) <= tolerance, `${name} at step ${step}: got ${got}, expected ${expected}`);
  }
}

interface Case { name: string; schedule: Schedule; table: Table }

// MAE util/lr_sched.py adjust_learning_rate, with `epoch` the step (per-step schedule), as MAE wrote it.
function maeLr(epoch: number, args: { lr: number; min_lr: number; warmup_epochs: number; epochs: number }) {
  if (epoch < args.warmup_epochs) return (args.lr * epoch) / args.warmup_epochs;
  return args.min_lr + (args.lr - args.min_lr) * 0.5 * (1 + cos((PI * (epoch - args.warmup_epochs)) / (args.epochs - args.warmup_epochs)));
}

// OneCycleLR with maxLr 1, 10 steps, pctStart 0.3, divFactor 25, finalDivFactor 1e4:
// starts at 1/25 = 0.04, ends at 0.04/1e4 = 4e-6; phase ends at steps 0.3·10 − 1 = 2 and 9 (three-phase: 2, 4, 9).
const ONE_CYCLE_START = 0.04;
const ONE_CYCLE_END = 4e-6;
const cosAnneal = (a: number, b: number, p: number) => b + ((a - b) / 2) * (cos(PI * p) + 1);

const CASES: Case[] = [
  { name: 'constant', schedule: schedules.constant(0.01), table: [[0, 0.01], [1, 0.01], [1000, 0.01]] },
  {
    name: 'step: gamma^floor(t / 3)',
    schedule: schedules.step({ lr: 1, stepSize: 3, gamma: 0.5 }),
    table: [[0, 1], [1, 1], [2, 1], [3, 0.5], [5, 0.5], [6, 0.25], [9, 0.125]],
  },
  {
    name: 'step: default gamma 0.1',
    schedule: schedules.step({ lr: 2, stepSize: 10 }),
    table: [[9, 2], [10, 0.2], [25, 0.02]],
  },
  {
    name: 'multiStep: a repeated milestone counts twice (PyTorch Counter)',
    schedule: schedules.multiStep({ lr: 0.8, milestones: [2, 5, 5, 9], gamma: 0.5 }),
    table: [[0, 0.8], [1, 0.8], [2, 0.4], [4, 0.4], [5, 0.1], [8, 0.1], [9, 0.05], [100, 0.05]],
  },
  { name: 'exponential', schedule: schedules.exponential({ lr: 2, gamma: 0.5 }), table: [[0, 2], [1, 1], [3, 0.25]] },
  {
    name: 'exponential over 4 steps',
    schedule: schedules.exponential({ lr: 2, gamma: 0.5, decaySteps: 4 }),
    table: [[0, 2], [2, 2 * SQRT1_2], [4, 1], [8, 0.5]],
  },
  {
    name: 'exponential staircase',
    schedule: schedules.exponential({ lr: 2, gamma: 0.5, decaySteps: 4, staircase: true }),
    table: [[0, 2], [3, 2], [4, 1], [9, 0.5]],
  },
  {
    name: 'cosine from 1 to 0.2 over 4 steps, then 0.2',
    schedule: schedules.cosine({ lr: 1, totalSteps: 4, minLr: 0.2 }),
    // 0.2 + 0.8 · ½(1 + cos(πt/4)): cos(π/4) = √½, cos(π/2) = 0
    table: [[0, 1], [1, 0.2 + 0.4 * (1 + SQRT1_2)], [2, 0.6], [3, 0.2 + 0.4 * (1 - SQRT1_2)], [4, 0.2], [10, 0.2]],
  },
  {
    name: 'linear up',
    schedule: schedules.linear({ startLr: 0, endLr: 1, totalSteps: 4 }),
    table: [[0, 0], [1, 0.25], [2, 0.5], [3, 0.75], [4, 1], [7, 1]],
  },
  {
    name: 'linear down',
    schedule: schedules.linear({ startLr: 1, endLr: 0.2, totalSteps: 4 }),
    table: [[0, 1], [1, 0.8], [2, 0.6], [3, 0.4], [4, 0.2], [7, 0.2]],
  },
  {
    name: 'polynomial power 2 to 0.1',
    schedule: schedules.polynomial({ lr: 1, totalSteps: 4, power: 2, minLr: 0.1 }),
    // 0.9 · (1 − t/4)² + 0.1
    table: [[0, 1], [1, 0.60625], [2, 0.325], [3, 0.15625], [4, 0.1], [9, 0.1]],
  },
  {
    name: 'warmup of a constant from 0',
    schedule: schedules.warmup(0.5, { warmupSteps: 4 }),
    table: [[0, 0], [1, 0.125], [2, 0.25], [3, 0.375], [4, 0.5], [10, 0.5]],
  },
  {
    name: 'warmup from 0.5 shifts the inner schedule to start after it',
    schedule: schedules.warmup(schedules.step({ lr: 1, stepSize: 2, gamma: 0.1 }), { warmupSteps: 2, startLr: 0.5 }),
    // warmup 0.5 → 1 over steps 0, 1; then step(t − 2): 1, 1, 0.1, 0.1, 0.01
    table: [[0, 0.5], [1, 0.75], [2, 1], [3, 1], [4, 0.1], [5, 0.1], [6, 0.01]],
  },
  {
    name: 'warmup of 0 steps is the schedule itself',
    schedule: schedules.warmup(schedules.constant(0.3), { warmupSteps: 0 }),
    table: [[0, 0.3], [5, 0.3]],
  },
  {
    name: 'warmupCosine (MAE): 2 warmup steps, 6 in all, 1 → 0.1',
    schedule: schedules.warmupCosine({ lr: 1, warmupSteps: 2, totalSteps: 6, minLr: 0.1 }),
    // t < 2: t/2; then 0.1 + 0.9 · ½(1 + cos(π(t − 2)/4)); held at 0.1 after step 6
    table: [[0, 0], [1, 0.5], [2, 1], [3, 0.1 + 0.45 * (1 + SQRT1_2)], [4, 0.55], [5, 0.1 + 0.45 * (1 - SQRT1_2)], [6, 0.1], [8, 0.1]],
  },
  {
    name: 'warmupCosine without warmup starts at lr',
    schedule: schedules.warmupCosine({ lr: 1, warmupSteps: 0, totalSteps: 2 }),
    table: [[0, 1], [1, 0.5], [2, 0]],
  },
  {
    name: 'warmupCosine that is all warmup ends at minLr',
    schedule: schedules.warmupCosine({ lr: 1, warmupSteps: 4, totalSteps: 4, minLr: 0.01 }),
    table: [[0, 0], [2, 0.5], [3, 0.75], [4, 0.01], [9, 0.01]],
  },
  {
    name: 'oneCycle (cos)',
    schedule: schedules.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 0.3 }),
    table: [
      [0, ONE_CYCLE_START], [1, (1 + ONE_CYCLE_START) / 2], [2, 1],
      [3, cosAnneal(1, ONE_CYCLE_END, 1 / 7)], [5, cosAnneal(1, ONE_CYCLE_END, 3 / 7)],
      [9, ONE_CYCLE_END], [20, ONE_CYCLE_END],
    ],
  },
  {
    name: 'oneCycle three-phase, linear',
    schedule: schedules.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 0.3, threePhase: true, annealStrategy: 'linear' }),
    table: [[0, 0.04], [1, 0.52], [2, 1], [3, 0.52], [4, 0.04], [5, 0.04 + (ONE_CYCLE_END - 0.04) * 0.2], [9, ONE_CYCLE_END]],
  },
  {
    name: 'sequence: constant, then a cosine restarted at 3, then a number at 5',
    schedule: schedules.sequence([schedules.constant(0.1), schedules.cosine({ lr: 1, totalSteps: 2 }), 0.05], [3, 5]),
    table: [[0, 0.1], [2, 0.1], [3, 1], [4, 0.5], [5, 0.05], [50, 0.05]],
  },
];

for (const { name, schedule, table } of CASES) {
  test(`${name}: values at chosen steps`, () => assertTable(name, schedule, table));
}

test('warmupCosine equals MAE adjust_learning_rate at every step', () => {
  const args = { lr: 1e-3, min_lr: 1e-6, warmup_epochs: 5, epochs: 40 };
  const schedule = schedules.warmupCosine({ lr: 1e-3, warmupSteps: 5, totalSteps: 40, minLr: 1e-6 });
  for (let t = 0; t <= 40; t++) assert.is(schedule(t), maeLr(t, args), `step ${t}`);
});

test('warmup(cosine) over the steps after warmup is warmupCosine', () => {
  const composed = schedules.warmup(schedules.cosine({ lr: 0.01, totalSteps: 30, minLr: 1e-4 }), { warmupSteps: 10 });
  const direct = schedules.warmupCosine({ lr: 0.01, warmupSteps: 10, totalSteps: 40, minLr: 1e-4 });
  for (let t = 0; t <= 45; t++) {
    assert.ok(Math.abs(composed(t) - direct(t)) <= 1e-15, `step ${t}: ${composed(t)} vs ${direct(t)}`);
  }
});

test('every schedule rebuilds from its config as JSON (what a checkpoint stores)', () => {
  for (const { name, schedule } of CASES) {
    const rebuilt = schedules.scheduleFromConfig(JSON.parse(JSON.stringify(schedule.config)));
    assert.equal(rebuilt.config, schedule.config, `${name}: config`);
    for (let t = 0; t <= 60; t++) assert.is(rebuilt(t), schedule(t), `${name}: step ${t}`);
  }
});

test('the tables cover every built-in kind', () => {
  const kinds = new Set(CASES.map((c) => c.schedule.config.kind));
  assert.equal([...kinds].sort(), ['constant', 'cosine', 'exponential', 'linear', 'multiStep', 'oneCycle', 'polynomial', 'sequence', 'step', 'warmup', 'warmupCosine']);
});

test('a schedule is a pure function of the step', () => {
  const s = schedules.warmupCosine({ lr: 1, warmupSteps: 3, totalSteps: 9 });
  const forward = Array.from({ length: 12 }, (_, t) => s(t));
  const backward = Array.from({ length: 12 }, (_, t) => s(11 - t)).reverse();
  assert.equal(forward, backward);
});

test('scheduleMinLr: the floor named in the config, through warmup and sequence', () => {
  const cases: Array<[schedules.LearningRate, number]> = [
    [0.1, 0],
    [schedules.constant(0.1), 0],
    [schedules.cosine({ lr: 1, totalSteps: 4, minLr: 0.2 }), 0.2],
    [schedules.warmupCosine({ lr: 1, warmupSteps: 1, totalSteps: 4, minLr: 0.3 }), 0.3],
    [schedules.polynomial({ lr: 1, totalSteps: 4, minLr: 0.1 }), 0.1],
    [schedules.warmup(schedules.cosine({ lr: 1, totalSteps: 4, minLr: 0.25 }), { warmupSteps: 2 }), 0.25],
    [schedules.sequence([0.5, schedules.cosine({ lr: 1, totalSteps: 4, minLr: 0.125 })], [3]), 0.125],
    [schedules.step({ lr: 1, stepSize: 2 }), 0],
  ];
  for (const [lr, floor] of cases) assert.is(schedules.scheduleMinLr(lr), floor, typeof lr === 'number' ? 'number' : lr.config.kind);
});

test('groupRate: scaled floor (MAE) and unscaled floor', () => {
  // MAE: everything scaled, the floor too
  assert.is(schedules.groupRate(0.5, 0.25), 0.125);
  assert.is(schedules.groupRate(0.5, 0.25, 0), 0.125);
  // unscaled floor 0.1: 0.1 + (0.5 − 0.1) · 0.25 = 0.2; at the floor every group has the floor
  assert.ok(Math.abs(schedules.groupRate(0.5, 0.25, 0.1) - 0.2) < 1e-16);
  assert.is(schedules.groupRate(0.1, 0.25, 0.1), 0.1);
  assert.is(schedules.groupRate(0.1, 1, 0.1), 0.1);
  // a frozen group stays at 0
  assert.is(schedules.groupRate(0.5, 0, 0.1), 0);
});

test.run();

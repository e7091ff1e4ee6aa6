// Bad schedules fail when they are built, with a message that names the schedule and the value,
// never later as NaN weights; a custom schedule that goes bad at an unchecked step stops the
// optimizer or the scheduler before anything changes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as schedules from '../src/schedules.js';
import { GroupedOptimizer } from '../src/optimizer.js';
import { LayerScaleLR, lrScheduleCallback } from '../src/scheduler.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

/** [what is built, the message it must throw (a regexp)] */
const BAD: Array<[string, () => unknown, RegExp]> = [
  ['constant NaN', () => schedules.constant(NaN), /constant: lr must be a finite number >= 0, got NaN/],
  ['constant negative', () => schedules.constant(-1e-3), /constant: lr must be a finite number >= 0, got -0.001/],
  ['constant Infinity', () => schedules.constant(Infinity), /got Infinity/],
  ['cosine lr Infinity', () => schedules.cosine({ lr: Infinity, totalSteps: 10 }), /cosine: lr must be a finite number >= 0/],
  ['cosine totalSteps 0', () => schedules.cosine({ lr: 1, totalSteps: 0 }), /cosine: totalSteps must be an integer >= 1, got 0/],
  ['cosine minLr above lr', () => schedules.cosine({ lr: 1e-4, totalSteps: 10, minLr: 1e-3 }), /minLr \(0.001\) must not exceed the peak rate \(0.0001\)/],
  ['warmupCosine warmup > total', () => schedules.warmupCosine({ lr: 1, warmupSteps: 11, totalSteps: 10 }), /warmupSteps \(11\) must not exceed totalSteps \(10\)/],
  ['warmupCosine totalSteps 0', () => schedules.warmupCosine({ lr: 1, warmupSteps: 0, totalSteps: 0 }), /totalSteps must be an integer >= 1, got 0/],
  ['warmupCosine negative totalSteps', () => schedules.warmupCosine({ lr: 1, warmupSteps: 0, totalSteps: -5 }), /totalSteps must be an integer >= 1/],
  ['warmupCosine fractional warmup', () => schedules.warmupCosine({ lr: 1, warmupSteps: 2.5, totalSteps: 10 }), /warmupSteps must be an integer >= 0, got 2.5/],
  ['warmupCosine negative lr', () => schedules.warmupCosine({ lr: -1, warmupSteps: 1, totalSteps: 10 }), /warmupCosine: lr must be a finite number >= 0, got -1/],
  ['warmupCosine misspelt option', () => schedules.warmupCosine({ lr: 1, warmupSteps: 1, totalSteps: 10, min_lr: 0 } as never), /unknown option 'min_lr'/],
  ['step stepSize 0', () => schedules.step({ lr: 1, stepSize: 0 }), /step: stepSize must be an integer >= 1/],
  ['step gamma 0', () => schedules.step({ lr: 1, stepSize: 2, gamma: 0 }), /step: gamma must be a finite number > 0/],
  ['multiStep out of order', () => schedules.multiStep({ lr: 1, milestones: [5, 2] }), /increasing order/],
  ['exponential gamma NaN', () => schedules.exponential({ lr: 1, gamma: NaN }), /exponential: gamma must be a finite number > 0, got NaN/],
  ['exponential that overflows at once', () => schedules.exponential({ lr: 1e300, gamma: 1e300 }), /exponential schedule: the learning rate at step 1 is Infinity/],
  ['linear totalSteps 0', () => schedules.linear({ startLr: 0, endLr: 1, totalSteps: 0 }), /linear: totalSteps must be an integer >= 1/],
  ['polynomial power 0', () => schedules.polynomial({ lr: 1, totalSteps: 3, power: 0 }), /polynomial: power must be a finite number > 0/],
  ['oneCycle empty first phase', () => schedules.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 0.1 }), /oneCycle: phase 1 of 2 is empty/],
  ['oneCycle pctStart > 1', () => schedules.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /pctStart must be in \[0, 1\]/],
  ['oneCycle bad anneal', () => schedules.oneCycle({ maxLr: 1, totalSteps: 10, annealStrategy: 'cosine' as never }), /annealStrategy must be 'cos' or 'linear'/],
  ['warmup negative startLr', () => schedules.warmup(0.1, { warmupSteps: 2, startLr: -1 }), /warmup: startLr must be a finite number >= 0/],
  ['warmup of NaN', () => schedules.warmup(NaN, { warmupSteps: 2 }), /warmup: the schedule must be a finite number >= 0, got NaN/],
  ['sequence wrong boundary count', () => schedules.sequence([0.1, 0.2], []), /2 schedules need 1 boundaries, got 0/],
  ['sequence boundaries not increasing', () => schedules.sequence([0.1, 0.2, 0.3], [5, 5]), /strictly increasing/],
  ['unknown kind', () => schedules.scheduleFromConfig({ kind: 'cosineAnnealing' }), /unknown schedule kind 'cosineAnnealing': known kinds are constant, /],
  ['a step that is not a step', () => schedules.constant(0.1)(-1), /the step must be a finite number >= 0, got -1/],
];

for (const [name, build, message] of BAD) {
  test(`rejected at construction: ${name}`, () => {
    assert.throws(build, message);
  });
}

/** A custom schedule that returns NaN at step 3, checked only at step 0. */
const nanAtThree = () => schedules.defineSchedule({ kind: 'nanAtThree' }, (t) => (t === 3 ? NaN : 0.1));

test('a custom schedule is checked at the steps it names', () => {
  assert.throws(() => schedules.defineSchedule({ kind: 'nanAtThree' }, (t) => (t === 3 ? NaN : 0.1), [0, 3]), /nanAtThree schedule: the learning rate at step 3 is NaN/);
});

test('warmup and sequence check the schedules they wrap where they take over', () => {
  const nanAtZero = schedules.defineSchedule({ kind: 'late' }, (t) => (t === 0 ? NaN : 0.1), [1]);
  assert.throws(() => schedules.warmup(nanAtZero, { warmupSteps: 5 }), /warmup: the schedule it warms up to: the learning rate at step 0 is NaN/);
  assert.throws(() => schedules.sequence([0.1, nanAtZero], [4]), /sequence: schedules\[1\]: the learning rate at step 0 is NaN/);
  // the first part hands over at step 3 (its own step 3): NaN there is caught too
  assert.throws(() => schedules.sequence([nanAtThree(), 0.1], [4]), /sequence: schedules\[0\]: the learning rate at step 3 is NaN/);
});

test('a rate that goes bad mid-run stops the optimizer before any weight changes', () => {
  const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'bad-input/v');
  const optimizer = new GroupedOptimizer('sgd', [{ params: [v], lrScale: 0.5 }], { learningRate: nanAtThree() });
  const loss = () => v.square().sum() as tf.Scalar;
  for (let i = 0; i < 3; i++) optimizer.minimize(loss);
  const before = v.dataSync().slice();
  assert.throws(() => optimizer.minimize(loss), /the learning rate at step 3 is NaN/);
  assert.equal(v.dataSync().slice(), before, 'no weight may change');
  assert.is(optimizer.iterations, 3, 'the step is not counted');
});

test('LayerScaleLR refuses a bad rate and leaves every group as it was', () => {
  const v = tf.variable(tf.tensor1d([1]), true, 'bad-input/w');
  const u = tf.variable(tf.tensor1d([1]), true, 'bad-input/u');
  const optimizer = new GroupedOptimizer('sgd', [{ name: 'a', params: [v], lrScale: 0.5 }, { name: 'b', params: [u] }], { learningRate: 1 });
  const scheduler = new LayerScaleLR(optimizer, nanAtThree());
  scheduler.step();
  scheduler.step();
  assert.is(scheduler.lastStep, 2);
  assert.throws(() => scheduler.step(), /LayerScaleLR: the learning rate at step 3 is NaN/);
  assert.is(scheduler.lastStep, 2, 'the scheduler stays at its step');
  assert.equal(optimizer.paramGroups.map((g) => g.lr), [0.05, 0.1]);
  assert.throws(() => scheduler.step(-1), /a step must be an integer >= 0, got -1/);
});

test('LayerScaleLR and the fit callback reject bad numbers and optimizers without a rate', () => {
  const v = tf.variable(tf.tensor1d([1]), true, 'bad-input/x');
  const optimizer = new GroupedOptimizer('sgd', [{ params: [v] }], { learningRate: 1 });
  assert.throws(() => new LayerScaleLR(optimizer, -0.1), /LayerScaleLR: the schedule must be a finite number >= 0, got -0.1/);
  assert.throws(() => new LayerScaleLR(optimizer, Infinity), /got Infinity/);
  assert.throws(() => lrScheduleCallback(optimizer, NaN), /learning rate must be a finite number >= 0 or a schedule, got NaN/);
  assert.throws(() => lrScheduleCallback(tf.train.adam(0.01), NaN), /LayerScaleLR: the schedule must be a finite number >= 0, got NaN/);
  const noRate = tf.train.adam(0.01);
  (noRate as unknown as { learningRate: unknown }).learningRate = undefined;
  assert.throws(() => new LayerScaleLR(noRate), /the Adam optimizer has no numeric learningRate to schedule/);
  assert.throws(() => new GroupedOptimizer('sgd', [{ params: [v] }], { learningRate: 1, scaleMinLr: 'no' as never }), /scaleMinLr must be true or false/);
});

test.run();

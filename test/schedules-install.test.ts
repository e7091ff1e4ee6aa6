// Any factory that takes a learning rate takes a schedule: install(tf) passes it through to the
// GroupedOptimizer as learningRate, positionally or in the options object.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as schedules from '../src/schedules.js';
import { GroupedOptimizer } from '../src/optimizer.js';
import { install, uninstall } from '../src/install.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

type Train = Record<string, (...args: unknown[]) => tf.Optimizer>;
const train = tf.train as unknown as Train;
const SCHEDULE = schedules.warmupCosine({ lr: 1e-3, warmupSteps: 2, totalSteps: 10, minLr: 1e-5 });

install(tf);

const v = tf.variable(tf.ones([2]), true, 'install/v');
const w = tf.variable(tf.ones([2]), true, 'install/w');
const groups = () => [{ name: 'low', params: [v], lrScale: 0.5 }, { name: 'head', params: [w] }];

const CALLS: Array<[string, () => tf.Optimizer]> = [
  ['tf.train.adamw(groups, schedule)', () => train.adamw!(groups(), SCHEDULE)],
  ['tf.train.adamw(groups, schedule, beta1, beta2, epsilon, weightDecay)', () => train.adamw!(groups(), SCHEDULE, 0.9, 0.999, 1e-8, 0.05)],
  ['tf.train.adamw(groups, {learningRate: schedule})', () => train.adamw!(groups(), { learningRate: SCHEDULE })],
  ['tf.train.adam(groups, schedule)', () => train.adam!(groups(), SCHEDULE)],
  ['tf.train.sgd(groups, schedule)', () => train.sgd!(groups(), SCHEDULE)],
  ['tf.train.momentum(groups, schedule, 0.9)', () => train.momentum!(groups(), SCHEDULE, 0.9)],
];

for (const [call, make] of CALLS) {
  test(`${call}: the schedule is the optimizer's learning rate`, () => {
    const optimizer = make() as GroupedOptimizer;
    assert.instance(optimizer, GroupedOptimizer);
    assert.is(optimizer.learningRateSchedule, SCHEDULE);
    for (let t = 0; t < 4; t++) {
      assert.equal(optimizer.paramGroups.map((g) => g.lr), [SCHEDULE(t) * 0.5, SCHEDULE(t)], `step ${t}`);
      optimizer.minimize(() => tf.addN([v.sum(), w.sum()]) as tf.Scalar);
    }
    optimizer.dispose();
  });
}

test('tf.train.adamw(schedule) without groups: one group at scale 1 following the schedule', () => {
  const optimizer = train.adamw!(SCHEDULE) as GroupedOptimizer;
  assert.is(optimizer.learningRateSchedule, SCHEDULE);
  assert.is(optimizer.paramGroups[0]!.lr, SCHEDULE(0));
});

test.after(() => { uninstall(tf); });
test.run();

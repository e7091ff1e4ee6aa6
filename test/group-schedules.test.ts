// A group's own schedule (the head warms up while the backbone runs at a constant rate, big_vision's
// schedule per pattern): composed with its lrScale exactly as the optimizer's schedule is, in the
// weights a training loop gets and in the rates paramGroups reports; kept by a checkpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, schedules } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

// MAE's warmup + half cosine, written out again: lr·t/W before W, then minLr + (lr − minLr)·½(1 + cos(π(t − W)/(T − W))).
const maeRate = (lr: number, minLr: number, W: number, T: number) => (t: number) =>
  (t < W ? (lr * t) / W : minLr + (lr - minLr) * 0.5 * (1 + Math.cos((Math.PI * (Math.min(t, T) - W)) / (T - W))));
const HEAD = { lr: 0.4, minLr: 0.04, warmupSteps: 3, totalSteps: 10 };
const headRate = maeRate(HEAD.lr, HEAD.minLr, HEAD.warmupSteps, HEAD.totalSteps);
const BASE_LR = 0.1;

function makeOptimizer(scaleMinLr: boolean) {
  const backbone = tf.variable(tf.zeros([2]), true, `backbone_${scaleMinLr}`);
  const head = tf.variable(tf.zeros([3]), true, `head_${scaleMinLr}`);
  const optimizer = new GroupedOptimizer('sgd', [
    { name: 'backbone', params: [backbone], lrScale: 0.5 },
    { name: 'head', params: [head], lrScale: 0.25, schedule: schedules.warmupCosine(HEAD) },
  ], { learningRate: BASE_LR, scaleMinLr });
  return { optimizer, backbone, head };
}

for (const scaleMinLr of [true, false]) {
  // With scaleMinLr the rate is schedule(t) × lrScale; without, minLr + (schedule(t) − minLr) × lrScale.
  const expectedHeadRate = (t: number) => (scaleMinLr ? headRate(t) * 0.25 : HEAD.minLr + (headRate(t) - HEAD.minLr) * 0.25);
  test(`scaleMinLr ${scaleMinLr}: SGD with gradient 1 moves each group by its own rate at each step`, () => {
    const { optimizer, backbone, head } = makeOptimizer(scaleMinLr);
    let [expectedBackbone, expectedHead] = [0, 0];
    for (let t = 0; t < 12; t++) {
      assert.ok(Math.abs(optimizer.paramGroups[1]!.lr - expectedHeadRate(t)) <= 1e-12, `step ${t}: paramGroups reports ${optimizer.paramGroups[1]!.lr}, expected ${expectedHeadRate(t)}`);
      optimizer.applyGradients([{ name: backbone.name, tensor: tf.ones([2]) }, { name: head.name, tensor: tf.ones([3]) }]);
      expectedBackbone -= BASE_LR * 0.5;
      expectedHead -= expectedHeadRate(t);
      assert.ok(Math.abs(backbone.dataSync()[0]! - expectedBackbone) <= 1e-6, `step ${t}: backbone ${backbone.dataSync()[0]}, expected ${expectedBackbone}`);
      assert.ok(Math.abs(head.dataSync()[2]! - expectedHead) <= 1e-6, `step ${t}: head ${head.dataSync()[2]}, expected ${expectedHead}`);
    }
    optimizer.dispose();
    tf.dispose([backbone, head]);
  });
}

test('the group schedule survives getConfig -> JSON -> fromConfig, and setLearningRate leaves it', () => {
  const { optimizer, backbone, head } = makeOptimizer(true);
  const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, JSON.parse(JSON.stringify(optimizer.getConfig()))) as GroupedOptimizer;
  for (const t of [0, 2, 3, 7, 10, 15]) assert.ok(Math.abs(restored.paramGroups[1]!.rateAt(t) - headRate(t) * 0.25) <= 1e-12, `step ${t}`);
  restored.setLearningRate(0.2);
  assert.is(restored.paramGroups[0]!.rateAt(5), 0.2 * 0.5);
  assert.ok(Math.abs(restored.paramGroups[1]!.rateAt(5) - headRate(5) * 0.25) <= 1e-12, 'the group keeps its own schedule');
  optimizer.dispose(); restored.dispose();
  tf.dispose([backbone, head]);
});

for (const [schedule, message] of [
  ['fast', "group 0 ('g'): schedule must be a schedule (schedules.*, defineSchedule) or a rate >= 0, got 'fast'"],
  [(t: number) => t, "group 0 ('g'): schedule must be a schedule (schedules.*, defineSchedule) or a rate >= 0, got a function"],
  [-1, "group 0 ('g'): schedule must be a schedule (schedules.*, defineSchedule) or a rate >= 0, got -1"],
] as const) {
  test(`a group schedule ${String(schedule)} is refused: '${message}'`, () => {
    const v = tf.variable(tf.zeros([1]));
    assert.throws(() => new GroupedOptimizer('sgd', [{ name: 'g', params: [v], schedule: schedule as never }], { learningRate: 0.1 }), (e: Error) => e.message === message);
    v.dispose();
  });
}

test.run();

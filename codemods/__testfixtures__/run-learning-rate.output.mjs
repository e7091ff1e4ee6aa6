// Run by runs.test.ts: a callback halves the learning rate after every epoch by assigning
// model.optimizer.learningRate, as tfjs code does with stock optimizers; prints what it learned as
// JSON (the last line).
import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

await tf.setBackend('cpu');
const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.3, 0.9]]);
const ys = tf.tensor2d([[1], [1], [0], [0], [0.6], [0.8]]);
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 6, inputShape: [2], activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 13 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 14 }) }),
  ],
});
model.compile({ optimizer: tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.05), loss: 'meanSquaredError' });

const history = await model.fit(xs, ys, {
  epochs: 8, batchSize: 2, shuffle: false, verbose: 0,
  callbacks: { onEpochEnd: () => { model.optimizer.learningRate = model.optimizer.learningRate / 2; } },
});
console.log(JSON.stringify({
  optimizer: model.optimizer.getClassName(),
  groups: model.optimizer.paramGroups?.length ?? 0,
  rate: model.optimizer.learningRate,
  losses: history.history.loss,
  weights: model.getWeights().map((weight) => Array.from(weight.dataSync())),
}));

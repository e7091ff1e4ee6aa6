// Run by runs.test.ts: trains and prints what it learned as JSON (the last line).
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');
const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.3, 0.9]]);
const ys = tf.tensor2d([[1], [1], [0], [0], [0.6], [0.8]]);

const model = tf.sequential();
model.add(tf.layers.dense({ units: 6, inputShape: [2], activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }));
model.add(tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }));
model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });

const history = await model.fit(xs, ys, { epochs: 20, batchSize: 3, shuffle: false, verbose: 0 });
console.log(JSON.stringify({
  optimizer: model.optimizer.getClassName(),
  groups: model.optimizer.paramGroups?.length ?? 0,
  losses: history.history.loss,
  weights: model.getWeights().map((weight) => Array.from(weight.dataSync())),
}));

// Run by runs.test.ts: trains and prints what it learned as JSON (the last line).
import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

await tf.setBackend('cpu');
const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
const ys = tf.tensor2d([[1], [1], [0], [0]]);
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 5, inputShape: [2], activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ seed: 6 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 7 }) }),
  ],
});
const trainable = model.trainableWeights.map((weight) => weight.read());
const optimizer = tf.train.rmsprop(layerDecayGroups(model, { decay: 0.75 }), 0.01);

const losses = [];
for (let step = 0; step < 25; step++) {
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)), true, trainable);
  losses.push(loss.dataSync()[0]);
  loss.dispose();
}
console.log(JSON.stringify({
  optimizer: optimizer.getClassName(),
  groups: optimizer.paramGroups?.length ?? 0,
  losses,
  weights: model.getWeights().map((weight) => Array.from(weight.dataSync())),
}));

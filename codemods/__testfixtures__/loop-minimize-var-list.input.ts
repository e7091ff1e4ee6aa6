import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [2] }));
const weights: tf.Variable[] = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
const sgd = tf.train.sgd(0.1);

export function step(xs: tf.Tensor, ys: tf.Tensor): tf.Scalar | null {
  return sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor), true, weights);
}

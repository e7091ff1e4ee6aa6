import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [2] }));
const weights: tf.Variable[] = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
const sgd = groupedOptimizer('sgd', layerDecayGroups(model, { decay: 0.75 }), [0.1]);

export function step(xs: tf.Tensor, ys: tf.Tensor): tf.Scalar | null {
  return sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor), true, weights);
}

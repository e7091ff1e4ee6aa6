import * as tf from '@tensorflow/tfjs';

// Variable lists that come from a model: the groups come from the model.
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
const values = model.trainableWeights.map((weight) => weight.val);
const adam = tf.train.adam(0.01);
const sgd = tf.train.sgd(0.1);

export function steps(xs, ys) {
  const loss = () => tf.losses.meanSquaredError(ys, model.predict(xs));
  adam.minimize(loss, false, values);
  sgd.minimize(loss, false, model.getWeights());
}

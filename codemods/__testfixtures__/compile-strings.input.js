import * as tf from '@tensorflow/tfjs';

export function build(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

export function buildSgd(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  const optimizer = 'sgd';
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

export function buildRmsprop(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  model.compile({ optimizer: 'RMSProp', loss: 'meanSquaredError' });
  return model;
}

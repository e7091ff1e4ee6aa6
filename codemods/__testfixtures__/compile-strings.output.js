import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

export function build(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  model.compile({ optimizer: tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });
  return model;
}

export function buildSgd(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  const optimizer = 'sgd';
  model.compile({ optimizer: tf.train.sgd(layerDecayGroups(model, { decay: 0.75 }), 0.01), loss: 'meanSquaredError' });
  return model;
}

export function buildRmsprop(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [10] }));
  model.compile({ optimizer: tf.train.rmsprop(layerDecayGroups(model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });
  return model;
}

import * as tfjs from '@tensorflow/tfjs';

// tfjs handed in by the caller: which tfjs (and whether install ran on it) is decided elsewhere.
export function createTrainer(tf, inputs) {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [inputs] })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return model;
}

export const trainer = createTrainer(tfjs, 3);

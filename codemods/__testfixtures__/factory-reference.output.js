import * as tf from '@tensorflow/tfjs';

// Factories passed by reference: the call that builds the optimizer happens elsewhere.
export const config = { optimizer: tf.train.sgd, learningRate: 0.1 };

export function setup(trainer) {
  trainer.setOptimizerFunction(tf.train.adam);
}

import * as tf from '@tensorflow/tfjs';

// This file has an install() of its own: the codemod imports the package's under another name.
function install(model) {
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
}

install(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }));

import * as tf from '@tensorflow/tfjs';
import { install as installLayerDecay, layerDecayGroups } from 'tfjs-layer-decay';

installLayerDecay(tf);

// This file has an install() of its own: the codemod imports the package's under another name.
function install(model) {
  model.compile({ optimizer: tf.train.sgd(layerDecayGroups(model, { decay: 0.75 }), 0.1), loss: 'meanSquaredError' });
}

install(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }));

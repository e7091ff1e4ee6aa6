import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

// Receivers that are provably tfjs models: returned by a function that builds one, kept in
// this.model, typed by JSDoc, and a parameter of a local function only ever given a model.
function buildModel(units) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [4] }));
  return model;
}

const built = buildModel(2);
built.compile({ optimizer: tf.train.sgd(layerDecayGroups(built, { decay: 0.75 }), 0.1), loss: 'meanSquaredError' });

export class Trainer {
  constructor() {
    this.model = buildModel(3);
  }

  prepare() {
    this.model.compile({ optimizer: tf.train.adam(layerDecayGroups(this.model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });
  }
}

/** @param {tf.LayersModel} model */
export function prepareTyped(model) {
  model.compile({ optimizer: tf.train.rmsprop(layerDecayGroups(model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });
}

function prepareLocal(model) {
  model.compile({ optimizer: tf.train.adamax(layerDecayGroups(model, { decay: 0.75 }), 0.002), loss: 'meanSquaredError' });
}
prepareLocal(buildModel(1));
prepareLocal(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }));

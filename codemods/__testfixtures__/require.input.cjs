'use strict';
const tf = require('@tensorflow/tfjs-node-gpu');
const path = require('node:path');

async function main() {
  const model = await tf.loadLayersModel(`file://${path.resolve('model/model.json')}`);
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'binaryCrossentropy' });
  return model;
}

module.exports = { main };

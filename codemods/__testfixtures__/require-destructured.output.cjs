const { train, sequential, layers } = require('@tensorflow/tfjs');
const { install, layerDecayGroups } = require('tfjs-layer-decay');

install({ train });

const model = sequential();
model.add(layers.dense({ units: 2, inputShape: [2] }));
const opt = train.adadelta(layerDecayGroups(model, { decay: 0.75 }), 1.0);
model.compile({ optimizer: opt, loss: 'meanSquaredError' });

module.exports = model;

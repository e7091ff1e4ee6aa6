const { train, sequential, layers } = require('@tensorflow/tfjs');

const model = sequential();
model.add(layers.dense({ units: 2, inputShape: [2] }));
const opt = train.adadelta(1.0);
model.compile({ optimizer: opt, loss: 'meanSquaredError' });

module.exports = model;

const tf = require('@tensorflow/tfjs-node-gpu');
const { install, layerDecayGroups } = require('tfjs-layer-decay');

install(tf);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
const optimizer = tf.train.rmsprop(layerDecayGroups(model, { decay: 0.75 }), 0.01);

function fitBatch(xs, ys) {
  return optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)), true);
}

module.exports = { fitBatch };

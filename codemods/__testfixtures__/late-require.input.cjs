// tfjs is chosen at run time: the binding exists only after the require runs.
let tf;
if (process.env.GPU) {
  tf = require('@tensorflow/tfjs-node-gpu');
} else {
  tf = require('@tensorflow/tfjs-node');
}

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });

import * as tf from '@tensorflow/tfjs';

// A library wrapper whose compile() forwards to its own model: not a tfjs model itself.
class NeuralNetwork {
  constructor(options) {
    this.model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [options.inputs] })] });
  }

  compile(options) {
    this.model.compile(options);
  }
}

const nn = new NeuralNetwork({ inputs: 3 });
nn.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });

export function compileUntyped(model) {
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
}

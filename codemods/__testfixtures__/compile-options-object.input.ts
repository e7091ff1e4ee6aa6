import * as tf from '@tensorflow/tfjs';

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });

const compileArgs: tf.ModelCompileArgs = {
  optimizer: tf.train.adamax(0.002),
  loss: 'meanAbsoluteError',
};
model.compile(compileArgs);

const second = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
const secondArgs = { optimizer: 'adadelta', loss: 'meanAbsoluteError' };
second.compile(secondArgs);

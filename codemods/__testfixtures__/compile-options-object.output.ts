import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });

const compileArgs: tf.ModelCompileArgs = {
  optimizer: groupedOptimizer('adamax', layerDecayGroups(model, { decay: 0.75 }), [0.002]),
  loss: 'meanAbsoluteError',
};
model.compile(compileArgs);

const second = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
const secondArgs = { optimizer: groupedOptimizer('adadelta', layerDecayGroups(second, { decay: 0.75 }), [1]), loss: 'meanAbsoluteError' };
second.compile(secondArgs);

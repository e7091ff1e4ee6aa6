import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

export function buildClassifier(classes: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: classes, inputShape: [16], activation: 'softmax' }));
  model.compile({
    optimizer: groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [0.0005]),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

export function buildRegressor(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const output = tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor;
  const regressor = tf.model({ inputs: input, outputs: output });
  regressor.compile({ optimizer: groupedOptimizer('momentum', layerDecayGroups(regressor, { decay: 0.75 }), [0.01, 0.9, true]), loss: 'meanSquaredError' });
  return regressor;
}

import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

const LEARNING_RATE = 1e-3;

const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));

// The optimizer is built a few statements before it is used.
const optimizer = groupedOptimizer('rmsprop', layerDecayGroups(model, { decay: 0.75 }), [LEARNING_RATE, 0.95]);
const loss = 'meanSquaredError';
model.summary();
model.compile({ optimizer, loss });

export async function fine_tune(base: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor) {
  let opt: tf.Optimizer;
  opt = groupedOptimizer('adagrad', layerDecayGroups(base, { decay: 0.75 }), [0.05]);
  base.compile({ optimizer: opt, loss: 'meanSquaredError' });
  await base.fit(xs, ys, { epochs: 1 });
}

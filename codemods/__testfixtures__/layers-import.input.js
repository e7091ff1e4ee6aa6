import * as tfl from '@tensorflow/tfjs-layers';

// Only tfjs-layers, which has no tf.train: the optimizer is built with groupedOptimizer.
export async function load(url) {
  const model = await tfl.loadLayersModel(url);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

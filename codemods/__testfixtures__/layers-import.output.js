import * as tfl from '@tensorflow/tfjs-layers';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

// Only tfjs-layers, which has no tf.train: the optimizer is built with groupedOptimizer.
export async function load(url) {
  const model = await tfl.loadLayersModel(url);
  model.compile({ optimizer: groupedOptimizer('sgd', layerDecayGroups(model, { decay: 0.75 }), [0.01]), loss: 'categoricalCrossentropy' });
  return model;
}

import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

export async function fineTuneVit(url: string) {
  const vit = await tf.loadLayersModel(url);
  vit.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(vit, { decay: 0.75, arch: 'vit' }), [5e-4, 0.9, 0.999]), loss: 'categoricalCrossentropy' });
  return vit;
}

import * as tf from '@tensorflow/tfjs';

export async function fineTuneVit(url: string) {
  const vit = await tf.loadLayersModel(url);
  vit.compile({ optimizer: tf.train.adam(5e-4, 0.9, 0.999), loss: 'categoricalCrossentropy' });
  return vit;
}

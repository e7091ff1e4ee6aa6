import * as tfn from '@tensorflow/tfjs-node';
import { readFileSync } from 'node:fs';

export async function fineTune(path: string): Promise<tfn.LayersModel> {
  const config = JSON.parse(readFileSync(path, 'utf8')) as { lr: number };
  const network = await tfn.loadLayersModel(`file://${path}`);
  network.compile({ optimizer: tfn.train.adam(config.lr), loss: 'categoricalCrossentropy' });
  return network;
}

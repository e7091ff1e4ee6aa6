import * as tfn from '@tensorflow/tfjs-node';
import { readFileSync } from 'node:fs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

export async function fineTune(path: string): Promise<tfn.LayersModel> {
  const config = JSON.parse(readFileSync(path, 'utf8')) as { lr: number };
  const network = await tfn.loadLayersModel(`file://${path}`);
  network.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(network, { decay: 0.75 }), [config.lr]), loss: 'categoricalCrossentropy' });
  return network;
}

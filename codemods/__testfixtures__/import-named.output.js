import { train, sequential, layers } from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install({ train });

const model = sequential({ layers: [layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.01), loss: 'meanSquaredError' });

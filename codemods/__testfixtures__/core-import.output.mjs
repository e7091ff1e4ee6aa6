import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tfc);

// tfjs-layers and tfjs-core imported separately, as the tfjs packages' own code does.
const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tfc.train.adagrad(layerDecayGroups(model, { decay: 0.75 }), 0.1), loss: 'meanSquaredError' });

import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

// tfjs-layers and tfjs-core imported separately, as the tfjs packages' own code does.
const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tfc.train.adagrad(0.1), loss: 'meanSquaredError' });

import { train, sequential, layers } from '@tensorflow/tfjs';

const model = sequential({ layers: [layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: train.adam(0.01), loss: 'meanSquaredError' });

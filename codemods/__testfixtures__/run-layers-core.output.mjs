// Run by runs.test.ts: tfjs-layers and tfjs-core imported separately, as the tfjs packages' own
// code does; trains and prints what it learned as JSON (the last line).
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tfc);

await tfc.setBackend('cpu');
const xs = tfc.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
const ys = tfc.tensor2d([[1], [1], [0], [0]]);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 4, inputShape: [2], activation: 'tanh', kernelInitializer: tfl.initializers.randomNormal({ seed: 8 }) }),
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.randomNormal({ seed: 9 }) }),
  ],
});
model.compile({ optimizer: tfc.train.sgd(layerDecayGroups(model, { decay: 0.75 }), 0.2), loss: 'meanSquaredError' });
const history = await model.fit(xs, ys, { epochs: 15, batchSize: 4, shuffle: false, verbose: 0 });
console.log(JSON.stringify({
  optimizer: model.optimizer.getClassName(),
  groups: model.optimizer.paramGroups?.length ?? 0,
  losses: history.history.loss,
  weights: model.getWeights().map((weight) => Array.from(weight.dataSync())),
}));

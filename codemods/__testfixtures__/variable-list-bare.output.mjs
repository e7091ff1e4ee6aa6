import * as tfc from '@tensorflow/tfjs-core';

// Bare variables have no layers: layerDecayGroups cannot place them.
const w = tfc.variable(tfc.randomNormal([2, 1]), true, 'head/kernel');
const b = tfc.variable(tfc.zeros([1]), true, 'head/bias');
const opt = tfc.train.adagrad(0.1);

export function step(xs, ys) {
  return opt.minimize(() => tfc.losses.meanSquaredError(ys, xs.matMul(w).add(b)), true, [w, b]);
}

const variables = [w, b];
const sgd = tfc.train.sgd(0.1);

export function sgdStep(xs, ys) {
  return sgd.minimize(() => tfc.losses.meanSquaredError(ys, xs.matMul(w).add(b)), true, variables);
}

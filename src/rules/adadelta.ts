import type { UpdateRule } from './rule.js';
import { BACKEND_EPSILON } from './rule.js';

// tfjs-core adadelta_optimizer.ts. Stock tfjs computes the update from the accumulated gradient of
// the PREVIOUS step (it reads accumulatedGrad before assigning the new one); kept so scale 1 equals it.
export const adadelta: UpdateRule = {
  name: 'adadelta',
  compileLearningRate: 1,
  defaultLearningRate: 0.001,
  hyperparameters: { rho: 0.95, epsilon: BACKEND_EPSILON },
  ranges: { rho: { atMost: 1 } },
  defaultWeightDecay: 0,
  positional: ['rho', 'epsilon'],
  weightDecay: 'l2',
  slots: [{ name: 'accGrad', suffix: 'accum_grad', init: 0 }, { name: 'accUpdate', suffix: 'accum_var', init: 0 }],
  math: () => [
    'u = sqrt(accUpdate + epsilon) / sqrt(accGrad + epsilon) * g',
    'accGrad = accGrad * rho + g * g * (1 - rho)',
    'accUpdate = accUpdate * rho + u * u * (1 - rho)',
    'p = p - lr * u',
  ],
};

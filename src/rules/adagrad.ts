import type { UpdateRule } from './rule.js';
import { BACKEND_EPSILON } from './rule.js';

// tfjs-core adagrad_optimizer.ts: acc += g^2; p -= lr * g / sqrt(acc + eps), eps = backend epsilon.
export const adagrad: UpdateRule = {
  name: 'adagrad',
  compileLearningRate: 0.01,
  defaultLearningRate: null,
  hyperparameters: { initialAccumulatorValue: 0.1, epsilon: BACKEND_EPSILON },
  defaultWeightDecay: 0,
  positional: ['initialAccumulatorValue'],
  weightDecay: 'l2',
  slots: [{ name: 'acc', suffix: 'accumulator', init: 'initialAccumulatorValue' }],
  math: () => ['acc = acc + g * g', 'p = p - lr * g / sqrt(acc + epsilon)'],
};

import type { UpdateRule } from './rule.js';

// tfjs-core sgd_optimizer.ts: p = p + (-lr) * g
export const sgd: UpdateRule = {
  name: 'sgd',
  compileLearningRate: 0.01,
  defaultLearningRate: null,
  hyperparameters: {},
  defaultWeightDecay: 0,
  positional: [],
  weightDecay: 'l2',
  slots: [],
  math: () => ['p = p - lr * g'],
};

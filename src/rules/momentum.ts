import type { UpdateRule } from './rule.js';

// tfjs-core momentum_optimizer.ts: acc = momentum * acc + g; p -= lr * acc,
// or with Nesterov p -= lr * (g + momentum * acc) using the new acc.
export const momentum: UpdateRule = {
  name: 'momentum',
  compileLearningRate: 0.01,
  defaultLearningRate: null,
  hyperparameters: { momentum: 0.9, useNesterov: false },
  defaultWeightDecay: 0,
  positional: ['momentum', 'useNesterov'],
  weightDecay: 'l2',
  slots: [{ name: 'acc', suffix: 'momentum', init: 0 }],
  math: ({ useNesterov }) => [
    'acc = momentum * acc + g',
    useNesterov ? 'p = p - lr * (g + acc * momentum)' : 'p = p - lr * acc',
  ],
};

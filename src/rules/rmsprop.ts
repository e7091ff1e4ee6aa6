import type { UpdateRule } from './rule.js';
import { BACKEND_EPSILON } from './rule.js';

// tfjs-core rmsprop_optimizer.ts, including its quirks, so that scale 1 equals stock tfjs:
// the learning rate sits inside the momentum accumulator, and the centered form computes
// sqrt(ms - (mg^2 + eps)) (eps subtracted, not added).
export const rmsprop: UpdateRule = {
  name: 'rmsprop',
  compileLearningRate: 0.001,
  defaultLearningRate: null,
  hyperparameters: { decay: 0.9, momentum: 0, epsilon: BACKEND_EPSILON, centered: false },
  ranges: { decay: { atMost: 1 } },
  defaultWeightDecay: 0,
  positional: ['decay', 'momentum', 'epsilon', 'centered'],
  weightDecay: 'l2',
  slots: [
    { name: 'ms', suffix: 'rms', init: 0 },
    { name: 'mom', suffix: 'momentum', init: 0 },
    { name: 'mg', suffix: 'mg', init: 0, onlyIf: 'centered' },
  ],
  math: ({ centered }) =>
    centered
      ? [
          'ms = ms * decay + g * g * (1 - decay)',
          'mg = mg * decay + g * (1 - decay)',
          'mom = mom * momentum + g * lr / sqrt(ms - (mg * mg + epsilon))',
          'p = p - mom',
        ]
      : [
          'ms = ms * decay + g * g * (1 - decay)',
          'mom = mom * momentum + g * lr / sqrt(ms + epsilon)',
          'p = p - mom',
        ],
};

import type { UpdateRule } from './rule.js';
import { BACKEND_EPSILON, float32Power } from './rule.js';

// tfjs-core adamax_optimizer.ts: m = b1 m + (1-b1) g; u = max(b2 u, |g|);
// p -= lr / (1 + decay * (t-1)) / (1 - b1^t) * m / (u + eps).
export const adamax: UpdateRule = {
  name: 'adamax',
  compileLearningRate: 0.002,
  defaultLearningRate: 0.002,
  hyperparameters: { beta1: 0.9, beta2: 0.999, epsilon: BACKEND_EPSILON, decay: 0 },
  ranges: { beta1: { below: 1 }, beta2: { below: 1 } },
  defaultWeightDecay: 0,
  positional: ['beta1', 'beta2', 'epsilon', 'decay'],
  weightDecay: 'l2',
  slots: [{ name: 'm', suffix: 'm', init: 0 }, { name: 'u', suffix: 'v', init: 0 }],
  stepScalars: (h, t) => ({
    bc1: 1 - float32Power(h.beta1!, t),
    lrDecay: 1 + (t - 1) * h.decay!,
  }),
  math: () => [
    'm = m * beta1 + g * (1 - beta1)',
    'u = max(u * beta2, abs(g))',
    'p = p - lr / lrDecay / bc1 * (m / (u + epsilon))',
  ],
};

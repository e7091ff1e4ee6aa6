import type { UpdateRule } from './rule.js';
import { BACKEND_EPSILON, float32Power } from './rule.js';

// tfjs-core adam_optimizer.ts. Stock tfjs keeps beta^t as a float32 running product; here it is
// computed from the float32 beta on the host, which agrees to float32 rounding.
export const adamBiasCorrections = (h: Readonly<Record<string, number>>, t: number) => ({
  bc1: 1 - float32Power(h.beta1!, t),
  bc2: 1 - float32Power(h.beta2!, t),
});

export const adamMath = [
  'm = beta1 * m + (1 - beta1) * g',
  'v = beta2 * v + (1 - beta2) * g * g',
  'p = p - lr * (m / bc1) / (sqrt(v / bc2) + epsilon)',
];

export const adam: UpdateRule = {
  name: 'adam',
  compileLearningRate: 0.001,
  defaultLearningRate: 0.001,
  hyperparameters: { beta1: 0.9, beta2: 0.999, epsilon: BACKEND_EPSILON },
  ranges: { beta1: { below: 1 }, beta2: { below: 1 } },
  defaultWeightDecay: 0,
  positional: ['beta1', 'beta2', 'epsilon'],
  weightDecay: 'l2',
  slots: [{ name: 'm', suffix: 'm', init: 0 }, { name: 'v', suffix: 'v', init: 0 }],
  stepScalars: adamBiasCorrections,
  math: () => adamMath,
};

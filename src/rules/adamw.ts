import type { UpdateRule } from './rule.js';
import { adam } from './adam.js';

// PyTorch torch.optim.AdamW: p -= lr * wd * p (decoupled, with the group's effective rate),
// then the Adam step. Defaults are PyTorch's (eps 1e-8, weight_decay 0.01). The decay line
// itself is added by compileRule from `weightDecay: 'decoupled'`.
export const adamw: UpdateRule = {
  ...adam,
  name: 'adamw',
  hyperparameters: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  // tf.train.adamw(groupsOrLr, lr?, beta1?, beta2?, epsilon?, weightDecay?)
  positional: ['beta1', 'beta2', 'epsilon', 'weightDecay'],
  weightDecay: 'decoupled',
  defaultWeightDecay: 0.01,
};

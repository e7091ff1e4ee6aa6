// The cases the optimizer tests run: each rule with its stock tfjs factory arguments, the same
// settings as options of the grouped optimizer, and the hyperparameters the float64 reference uses.
// Written out by hand (not read from src/rules) so that a wrong default in src shows up.
import { seededRandom } from './random.js';

export interface RuleCase {
  label: string;
  rule: string;
  /** Arguments of tf.train.<rule>(...) (stock tfjs); null when tfjs has no such optimizer. */
  stockArgs: unknown[] | null;
  learningRate: number;
  /** Options of the grouped optimizer besides learningRate. */
  options: Record<string, unknown>;
  /** Hyperparameters of the float64 reference (defaults spelled out: eps = 1e-7, the float32 backend epsilon). */
  reference: Record<string, number | boolean>;
}

export const RULE_CASES: RuleCase[] = [
  { label: 'sgd', rule: 'sgd', stockArgs: [0.1], learningRate: 0.1, options: {}, reference: {} },
  { label: 'momentum', rule: 'momentum', stockArgs: [0.05, 0.9], learningRate: 0.05, options: { momentum: 0.9 }, reference: { momentum: 0.9, useNesterov: false } },
  { label: 'momentum nesterov', rule: 'momentum', stockArgs: [0.05, 0.8, true], learningRate: 0.05, options: { momentum: 0.8, useNesterov: true }, reference: { momentum: 0.8, useNesterov: true } },
  { label: 'adam', rule: 'adam', stockArgs: [0.01], learningRate: 0.01, options: {}, reference: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
  { label: 'adam betas', rule: 'adam', stockArgs: [0.02, 0.8, 0.99, 1e-6], learningRate: 0.02, options: { beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }, reference: { beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } },
  { label: 'adamw', rule: 'adamw', stockArgs: null, learningRate: 0.01, options: {}, reference: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
  { label: 'rmsprop', rule: 'rmsprop', stockArgs: [0.01], learningRate: 0.01, options: {}, reference: { decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
  { label: 'rmsprop centered momentum', rule: 'rmsprop', stockArgs: [0.01, 0.8, 0.5, null, true], learningRate: 0.01, options: { decay: 0.8, momentum: 0.5, centered: true }, reference: { decay: 0.8, momentum: 0.5, epsilon: 1e-7, centered: true } },
  { label: 'adagrad', rule: 'adagrad', stockArgs: [0.1], learningRate: 0.1, options: {}, reference: { initialAccumulatorValue: 0.1, epsilon: 1e-7 } },
  { label: 'adadelta', rule: 'adadelta', stockArgs: [0.01], learningRate: 0.01, options: {}, reference: { rho: 0.95, epsilon: 1e-7 } },
  { label: 'adamax', rule: 'adamax', stockArgs: [0.01], learningRate: 0.01, options: {}, reference: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 } },
  { label: 'adamax decay', rule: 'adamax', stockArgs: [0.01, 0.9, 0.999, null, 0.01], learningRate: 0.01, options: { decay: 0.01 }, reference: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0.01 } },
];

/** A convex loss, sum(c * (p - target)^2), so that trajectories stay comparable over many steps. */
export interface Quadratic { c: Float64Array; target: Float64Array }

export function quadratic(size: number, seed: number): Quadratic {
  const random = seededRandom(seed);
  return {
    c: Float64Array.from({ length: size }, () => 0.5 + 1.5 * random()),
    // Targets far from the initial values (in [-1, 1]): gradients never vanish, so no rule reaches
    // the optimum and starts to amplify rounding differences by oscillating around it.
    target: Float64Array.from({ length: size }, () => 4 + random()),
  };
}

/** Gradient of sum(c * (p - (target + shift))^2) with c and target as float32, as the model sees them. */
export function quadraticGradient(q: Quadratic, p: Float64Array, shift = 0): Float64Array {
  return p.map((pi, i) => 2 * Math.fround(q.c[i]!) * (pi - (Math.fround(q.target[i]!) + shift)));
}

export function initialValues(size: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: size }, () => 2 * random() - 1);
}

export { seededRandom };

/** Largest |a - b| / max(|b|, floor): relative error that does not blow up near zero. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}

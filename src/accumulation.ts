// Gradient accumulation (Keras 3's gradient_accumulation_steps, optax's MultiSteps): with n steps,
// the first n − 1 steps of each cycle only add their (clipped) gradients to a per-variable
// accumulator; the n-th updates the variables with the mean (acc + g) / n and empties the
// accumulator. The accumulator is optimizer state like Adam's m: kept by variable name, checked
// against the variable, saved as `<variable>/gradient_accumulator`; where a cycle stands follows from
// the saved step count, so a checkpoint taken mid-cycle resumes it exactly.
import * as tfc from '@tensorflow/tfjs-core';
import type { SlotSpec } from './rules/rule.js';
import { describeValue } from './checks.js';

export const ACCUMULATOR_SLOT: SlotSpec = { name: 'gradientAccumulator', suffix: 'gradient_accumulator', init: 0 };

/** null or 1: no accumulation; else an integer >= 2. */
export function checkAccumulationSteps(value: unknown, where: string): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: gradientAccumulationSteps must be an integer >= 1 (1 or null: none), got ${describeValue(value)}`);
  }
  return value;
}

/** Whether the step `iteration` (0-based, counting every call) updates the variables. */
export function isUpdateStep(iteration: number, steps: number): boolean {
  return (iteration + 1) % steps === 0;
}

/** Updates made before the step `iteration`. */
export function updatesBefore(iteration: number, steps: number): number {
  return Math.floor(iteration / steps);
}

/** acc += g. */
export function accumulate(accumulator: tfc.Variable, grad: tfc.Tensor): void {
  tfc.tidy(() => { accumulator.assign(tfc.add(accumulator, grad)); });
}

/** The mean gradient of the cycle, (acc + g) / n (a new tensor), and the accumulator emptied. */
export function takeMean(accumulator: tfc.Variable, grad: tfc.Tensor, steps: number): tfc.Tensor {
  const mean = tfc.tidy(() => tfc.div(tfc.add(accumulator, grad), steps));
  tfc.tidy(() => { accumulator.assign(tfc.zerosLike(accumulator)); });
  return mean;
}

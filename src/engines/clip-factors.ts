// The factors of clipnorm and globalClipnorm for the engines that run on the host (cpu, wasm),
// each step rounded to float32 as the tfjs ops of gradient-transforms.ts round it on that backend, so
// the clipped gradients have the ops path's bits on both backends:
//   - each gradient's sum of squares: on cpu one pass over its array, every square rounded to
//     float32 and added in float64 as tfjs-cpu's Sum adds, rounded at the end; on wasm the backend's
//     own Square and Sum kernels (tfjs-wasm adds in float32, one element after the other: a JS loop
//     doing the same took 16 ms on the ViT-Ti set, the kernels 6-8 ms);
//   - the sums added in float32 (AddN); sqrt, + 1e-6, the division and the minimum in float32.
// Against a float64 norm of the same float32 gradients: the cpu sum is off by one float32 rounding
// (6e-8 relative); the wasm sum, like tfjs-wasm's own, by up to n roundings for n elements (measured
// 1e-6 relative at 1,500 elements, 1.3e-6 at 100,000 of similar size). A gradient multiplies by the
// factor (rounded once more), so the clipped gradients carry that relative error, halved by the sqrt.
import * as tfc from '@tensorflow/tfjs-core';
import { GLOBAL_NORM_EPSILON } from '../gradient-transforms.js';
import { clipScalars, withClip } from '../rules/clip.js';
import type { CompiledRule } from '../rules/rule.js';
import type { StepClip } from './engine.js';

const F = Math.fround;

/** Σ g² of a cpu-backend array, as tfjs-cpu's square then sum: float32 squares added in float64, rounded. */
export function sumOfSquares(g: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < g.length; i++) sum += F(g[i]! * g[i]!);
  return F(sum);
}

/** Σ g² by the active backend's own Square and Sum kernels, read back at once (wasm: synchronous, no copy of g). */
export function backendSumOfSquares(g: tfc.Tensor): number {
  const sum = tfc.tidy(() => tfc.sum(tfc.square(g)));
  try {
    return sum.dataSync()[0]!;
  } finally {
    sum.dispose();
  }
}

/** clip_grad_norm_'s factor min(1, c / (‖all‖ + 1e-6)), from every gradient's sumOfSquares. */
export function globalClipFactor(c: number, sums: readonly number[]): number {
  let total = 0;
  for (const s of sums) total = F(total + s);
  const norm = F(Math.sqrt(total));
  return Math.min(1, F(F(c) / F(norm + F(GLOBAL_NORM_EPSILON))));
}

/** clip_by_norm's factor c / max(‖g‖, c), from the gradient's sumOfSquares. */
export function clipnormFactor(c: number, sum: number): number {
  const cf = F(c);
  return F(cf / Math.max(F(Math.sqrt(sum)), cf));
}

/** The rule with the clip's statement in front (src/rules/clip.ts). */
export function clippedRule(rule: CompiledRule, clip: StepClip): CompiledRule {
  return withClip(rule, clip.kind === 'clipvalue' ? 'value' : 'scale');
}

/** The clip's scalar inputs for one variable: the bounds, the step's global factor, or the variable's own factor from its sum of squares. */
export function clipScalarsOf(clip: StepClip, globalFactor: number, sumOfSquares: () => number): Record<string, number> {
  if (clip.kind === 'clipvalue') return clipScalars('value', clip.value);
  if (clip.kind === 'globalClipnorm') return clipScalars('scale', globalFactor);
  return clipScalars('scale', clipnormFactor(clip.value, sumOfSquares()));
}

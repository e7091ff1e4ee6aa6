// The factors of clipnorm and globalClipnorm for the engines that run on the host (cpu, wasm): one
// pass over each gradient's float32 data, then the factor, each step rounded to float32 as the tfjs
// ops of gradient-transforms.ts round it on that backend: every square rounded to float32; the sum
// as the backend's Sum kernel adds (tfjs-cpu: in float64, rounded at the end; tfjs-wasm: in float32,
// one element after the other); the sums added in float32 (AddN); sqrt, + 1e-6, the division and the
// minimum in float32. So the clipped gradients have the ops path's bits on both backends.
// Against a float64 norm of the same float32 gradients: the cpu sum is off by one float32 rounding
// (6e-8 relative); the wasm sum, like tfjs-wasm's own, by up to n roundings for n elements (measured
// 1e-6 relative at 1,500 elements, 1.3e-6 at 100,000 of similar size). A gradient multiplies by the
// factor (rounded once more), so the clipped gradients carry that relative error, halved by the sqrt.
import { GLOBAL_NORM_EPSILON } from '../gradient-transforms.js';
import { clipScalars, withClip } from '../rules/clip.js';
import type { CompiledRule } from '../rules/rule.js';
import type { StepClip } from './engine.js';

const F = Math.fround;

/** How a backend's Sum kernel adds: in float64 then rounded (cpu), or in float32 (wasm). */
export type SumOrder = 'float64' | 'float32';

/** Σ g², as tfjs's square then sum on the backend: float32 squares, added as its Sum adds. */
export function sumOfSquares(g: Float32Array, order: SumOrder): number {
  let sum = 0;
  if (order === 'float64') {
    for (let i = 0; i < g.length; i++) sum += F(g[i]! * g[i]!);
  } else {
    for (let i = 0; i < g.length; i++) sum = F(sum + F(g[i]! * g[i]!));
  }
  return F(sum);
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

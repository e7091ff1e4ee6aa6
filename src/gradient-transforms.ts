// Gradient clipping, a step of its own before accumulation and the update (Keras 3's order: clip,
// accumulate, update, moving average). Keras 3's three options, one at a time:
//   clipnorm       each gradient scaled to norm at most c: g · c / max(‖g‖, c)   (Keras's clip_by_norm)
//   clipvalue      each element clipped to [−c, c]
//   globalClipnorm every gradient of the step scaled by one factor from their global norm, as
//                  PyTorch's clip_grad_norm_: factor = min(1, c / (‖all‖ + 1e-6)).
// The global norm is taken over the raw gradients, before any group's lrScale (which multiplies the
// update, never the gradient). clipGradients runs them as tfjs ops, on every backend: the reference,
// and what runs where the engine does not clip inside its fused update (see stepClip, and the
// engines' runClipped: cpu, wasm and webgl fuse all three, webgpu clipvalue and globalClipnorm).
import * as tfc from '@tensorflow/tfjs-core';
import { describeValue } from './checks.js';
import type { StepClip } from './engines/engine.js';

export interface ClipOptions {
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
}

export const CLIP_KEYS = ['clipnorm', 'clipvalue', 'globalClipnorm'] as const;

/** PyTorch's clip_grad_norm_ adds this to the norm before dividing. */
export const GLOBAL_NORM_EPSILON = 1e-6;

/** Each option null (off) or a finite number > 0; at most one of them set (Keras's rule). */
export function checkClipOptions(options: Readonly<Record<string, unknown>>, where: string): ClipOptions {
  const checked = { clipnorm: null, clipvalue: null, globalClipnorm: null } as ClipOptions;
  for (const key of CLIP_KEYS) {
    const value = options[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`${where}: ${key} must be a finite number > 0 (or null for none), got ${describeValue(value)}`);
    }
    checked[key] = value;
  }
  const set = CLIP_KEYS.filter((k) => checked[k] !== null);
  if (set.length > 1) throw new Error(`${where}: give only one of clipnorm, clipvalue and globalClipnorm, got ${set.join(' and ')}`);
  return checked;
}

export function clipsAnything(clip: ClipOptions): boolean {
  return clip.clipnorm !== null || clip.clipvalue !== null || clip.globalClipnorm !== null;
}

/** The clipping option that is on, as an engine's runClipped takes it (null: none); `grads`: every gradient of the step, unclipped. */
export function stepClip(clip: ClipOptions, grads: readonly tfc.Tensor[]): StepClip | null {
  if (clip.clipvalue !== null) return { kind: 'clipvalue', value: clip.clipvalue };
  if (clip.clipnorm !== null) return { kind: 'clipnorm', value: clip.clipnorm };
  if (clip.globalClipnorm !== null) return { kind: 'globalClipnorm', value: clip.globalClipnorm, grads };
  return null;
}

/** The clipped gradients, in order: new tensors the caller disposes (or the inputs themselves when nothing clips). */
export function clipGradients(grads: readonly tfc.Tensor[], clip: ClipOptions): tfc.Tensor[] {
  if (!clipsAnything(clip) || grads.length === 0) return [...grads];
  return tfc.tidy(() => {
    if (clip.clipvalue !== null) {
      const c = clip.clipvalue;
      return grads.map((g) => clipByValueKeepingNaN(g, c));
    }
    if (clip.clipnorm !== null) {
      const c = clip.clipnorm;
      return grads.map((g) => tfc.mul(g, clipnormFactorTensor(g, c)));
    }
    const factor = globalClipFactorTensor(grads, clip.globalClipnorm!);
    return grads.map((g) => tfc.mul(g, factor));
  });
}

/** clip_by_norm's factor c / max(‖g‖, c), a scalar tensor (the WebGL engine's programs multiply by it too). */
export function clipnormFactorTensor(g: tfc.Tensor, c: number): tfc.Scalar {
  return tfc.tidy(() => tfc.div(c, tfc.maximum(tfc.sqrt(tfc.sum(tfc.square(g))), c)));
}

/** Each element of g clipped to [−c, c], a NaN kept NaN (keepingNaN). */
export function clipByValueKeepingNaN(g: tfc.Tensor, c: number): tfc.Tensor {
  return tfc.tidy(() => keepingNaN(g, tfc.clipByValue(g, -c, c)));
}

/** clip_grad_norm_'s factor min(1, c / (‖all‖ + 1e-6)), a scalar tensor (the WebGL engine's programs multiply by it too). */
export function globalClipFactorTensor(grads: readonly tfc.Tensor[], c: number): tfc.Scalar {
  return tfc.tidy(() => {
    const ratio = tfc.div(c, tfc.add(globalNorm(grads), GLOBAL_NORM_EPSILON));
    return keepingNaN(ratio, tfc.minimum(1, ratio)) as tfc.Scalar;
  });
}

/**
 * `result` with the NaN elements of `x` put back where the backend dropped them. A NaN gradient
 * stays NaN through every clip, as with tf.clip_by_value, clip_grad_norm_ and torch.clamp, and as
 * tfjs's cpu, WebGL and WebGPU kernels keep it; tfjs-wasm's ClipByValue and Minimum return a bound
 * or the other operand for NaN (std::min/max), which would hide a diverging step (clipvalue) or
 * leave it unclipped (globalClipnorm).
 */
function keepingNaN(x: tfc.Tensor, result: tfc.Tensor): tfc.Tensor {
  return tfc.getBackend() === 'wasm' ? tfc.where(tfc.isNaN(x), x, result) : result;
}

/**
 * Inputs per addN: tfjs's WebGPU AddN binds every input as a storage buffer, and its device allows 8
 * per shader (7 inputs and the output); with more the pipeline is invalid and the sum wrong.
 */
const ADD_N_INPUTS = 7;

/** sqrt(Σ over every gradient of Σ g²): one scalar tensor. */
export function globalNorm(grads: readonly tfc.Tensor[]): tfc.Scalar {
  return tfc.tidy(() => {
    const squares = grads.map((g) => tfc.sum(tfc.square(g)));
    // The running total first in each addN after the first: the same additions, in the same order, as one addN of all.
    let total = squares.length === 1 ? squares[0]! : tfc.addN(squares.slice(0, ADD_N_INPUTS));
    for (let i = ADD_N_INPUTS; i < squares.length; i += ADD_N_INPUTS - 1) total = tfc.addN([total, ...squares.slice(i, i + ADD_N_INPUTS - 1)]);
    return tfc.sqrt(total) as tfc.Scalar;
  });
}

// Gradient clipping, a step of its own before accumulation and the update (Keras 3's order: clip,
// accumulate, update, moving average). Keras 3's three options, one at a time:
//   clipnorm       each gradient scaled to norm at most c: g · c / max(‖g‖, c)   (Keras's clip_by_norm)
//   clipvalue      each element clipped to [−c, c]
//   globalClipnorm every gradient of the step scaled by one factor from their global norm, as
//                  PyTorch's clip_grad_norm_: factor = min(1, c / (‖all‖ + 1e-6)).
// The global norm is taken over the raw gradients, before any group's lrScale (which multiplies the
// update, never the gradient). Everything here runs as tfjs ops, on every backend.
import * as tfc from '@tensorflow/tfjs-core';
import { describeValue } from './checks.js';

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

/** The clipped gradients, in order: new tensors the caller disposes (or the inputs themselves when nothing clips). */
export function clipGradients(grads: readonly tfc.Tensor[], clip: ClipOptions): tfc.Tensor[] {
  if (!clipsAnything(clip) || grads.length === 0) return [...grads];
  return tfc.tidy(() => {
    if (clip.clipvalue !== null) {
      const c = clip.clipvalue;
      return grads.map((g) => tfc.clipByValue(g, -c, c));
    }
    if (clip.clipnorm !== null) {
      const c = clip.clipnorm;
      return grads.map((g) => tfc.mul(g, tfc.div(c, tfc.maximum(tfc.sqrt(tfc.sum(tfc.square(g))), c))));
    }
    const c = clip.globalClipnorm!;
    const factor = tfc.minimum(1, tfc.div(c, tfc.add(globalNorm(grads), GLOBAL_NORM_EPSILON)));
    return grads.map((g) => tfc.mul(g, factor));
  });
}

/** sqrt(Σ over every gradient of Σ g²): one scalar tensor. */
export function globalNorm(grads: readonly tfc.Tensor[]): tfc.Scalar {
  return tfc.tidy(() => {
    const squares = grads.map((g) => tfc.sum(tfc.square(g)));
    return tfc.sqrt(squares.length === 1 ? squares[0]! : tfc.addN(squares)) as tfc.Scalar;
  });
}

// Float64 reference of a whole training step with Keras 3's options, in Keras 3's order (its
// BaseOptimizer.apply): clip the step's gradients, accumulate them (the n-th step of a cycle updates
// with the mean), update with the rule (test/support/reference-rules.ts), then the moving average.
// Written from the formulas, independent of src/: clipnorm is Keras's clip_by_norm, g·c / max(‖g‖, c);
// globalClipnorm is PyTorch's clip_grad_norm_, g · min(1, c / (‖all‖ + 1e-6)); the average is
// m·avg + (1 − m)·p, copied from p at the first update.
import { referenceRules, type ReferenceHyper, type ReferenceState } from './reference-rules.js';

export interface ReferenceOptions {
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
  gradientAccumulationSteps?: number;
  useEma?: boolean;
  emaMomentum?: number;
  emaOverwriteFrequency?: number;
}

export interface ReferenceGroup { lrScale: number; weightDecay: number }

export interface TrainingState {
  vars: ReferenceState[];
  accumulators: Float64Array[];
  averages: Array<Float64Array | null>;
  step: number;
}

const norm = (gs: readonly Float64Array[]) => Math.sqrt(gs.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));

export function clipReference(grads: Float64Array[], o: ReferenceOptions): Float64Array[] {
  if (o.clipvalue !== undefined) return grads.map((g) => g.map((x) => Math.min(o.clipvalue!, Math.max(-o.clipvalue!, x))));
  if (o.clipnorm !== undefined) return grads.map((g) => g.map((x) => (x * o.clipnorm!) / Math.max(norm([g]), o.clipnorm!)));
  if (o.globalClipnorm !== undefined) {
    const factor = Math.min(1, o.globalClipnorm / (norm(grads) + 1e-6));
    return grads.map((g) => g.map((x) => x * factor));
  }
  return grads;
}

export function startState(initial: readonly Float64Array[]): TrainingState {
  return {
    vars: initial.map((p) => ({ p: Float64Array.from(p), slots: {} })),
    accumulators: initial.map((p) => new Float64Array(p.length)),
    averages: initial.map(() => null),
    step: 0,
  };
}

/** One call of the optimizer: `grads` one per variable (variable i is in group i). */
export function referenceStep(s: TrainingState, grads: Float64Array[], rule: string, lr: number, groups: readonly ReferenceGroup[], hyper: ReferenceHyper, o: ReferenceOptions): void {
  const n = o.gradientAccumulationSteps ?? 1;
  let g = clipReference(grads, o);
  const step = s.step++;
  if (n > 1) {
    if ((step + 1) % n !== 0) {
      g.forEach((gi, i) => gi.forEach((x, j) => { s.accumulators[i]![j]! += x; }));
      return;
    }
    g = g.map((gi, i) => gi.map((x, j) => (x + s.accumulators[i]![j]!) / n));
    s.accumulators.forEach((a) => a.fill(0));
  }
  const t = Math.floor(step / n) + 1;
  s.vars.forEach((v, i) => referenceRules[rule]!(v, g[i]!, lr * groups[i]!.lrScale, groups[i]!.weightDecay, hyper, t));
  if (!o.useEma) return;
  const m = o.emaMomentum ?? 0.99;
  s.vars.forEach((v, i) => {
    const avg = s.averages[i];
    s.averages[i] = avg ? avg.map((a, j) => m * a + (1 - m) * v.p[j]!) : Float64Array.from(v.p);
  });
  if (o.emaOverwriteFrequency !== undefined && t % o.emaOverwriteFrequency === 0) s.vars.forEach((v, i) => v.p.set(s.averages[i]!));
}

// How one group's step runs. The optimizer (src/optimizer.ts) validates, resolves groups and owns
// the state variables; an engine only applies one compiled rule to one group's variables.
// An engine may also take a whole step at once with the gradient clipping done inside its update
// (runClipped); one without it gets gradients the optimizer clipped with tfjs ops.
import type * as tfc from '@tensorflow/tfjs-core';
import type { CompiledRule } from '../rules/rule.js';

export interface GroupEntry {
  /** The parameter, updated in place (its data, or by `assign`). */
  param: tfc.Variable;
  /** The gradient, same shape as `param`, float32. Read only; owned by the caller. */
  grad: tfc.Tensor;
  /** The state slots, in `rule.slotNames` order, updated in place. */
  slots: tfc.Variable[];
}

export interface GroupStep {
  rule: CompiledRule;
  /** Values of `rule.scalarNames` (effective lr, wd, hyperparameters, bias corrections). */
  scalars: Readonly<Record<string, number>>;
  entries: GroupEntry[];
}

/** One clipping option of the step (src/gradient-transforms.ts has its math as tfjs ops, the reference). */
export type StepClip =
  | { kind: 'clipvalue'; value: number }
  | { kind: 'clipnorm'; value: number }
  /** `grads`: every gradient the global norm covers, the step's trainable variables, groups with lrScale 0 included. */
  | { kind: 'globalClipnorm'; value: number; grads: readonly tfc.Tensor[] };

export interface UpdateEngine {
  /** 'ops', 'cpu', 'wasm', 'webgpu', 'webgl': shown in paramGroups and benchmarks. */
  readonly name: string;
  /** Applies the step to every entry. Must not throw half-way: validation happens before. */
  run(step: GroupStep): void;
  /**
   * Optional: every updating group of one optimizer step, with unclipped gradients, and `clip`
   * applied inside the update. Returns false, having changed nothing, where it cannot fuse this clip
   * here (the optimizer then clips with tfjs ops and calls `run` for each group).
   */
  runClipped?(steps: readonly GroupStep[], clip: StepClip): boolean;
}

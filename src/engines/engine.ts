// How one group's step runs. The optimizer (src/optimizer.ts) validates, resolves groups and owns
// the state variables; an engine only applies one compiled rule to one group's variables.
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

export interface UpdateEngine {
  /** 'ops', 'cpu', 'wasm', 'webgpu': shown in paramGroups and benchmarks. */
  readonly name: string;
  /** Applies the step to every entry. Must not throw half-way: validation happens before. */
  run(step: GroupStep): void;
}

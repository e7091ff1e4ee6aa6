// The optimizer's state: each variable's slots (Adam's m and v, ...) kept by variable name, not by
// position (cf. tfjs#4290), plus slots loaded from a checkpoint for variables not seen yet. State
// meets a variable in one place, `check`, which refuses state that does not fit it before a step
// changes anything; a variable that replaced a disposed one of the same name starts afresh. Besides
// the rule's slots, the store keeps the optimizer's own per-variable state (the gradient
// accumulator, the moving average: `extra` slots), checked, saved and loaded the same way.
import * as tfc from '@tensorflow/tfjs-core';
import type { SlotSpec, UpdateRule } from './rules/rule.js';
import { withoutUniqueSuffix } from './variable-names.js';

/** {name, tensor}: what tfjs optimizers take and give as weights (not exported by tfjs-core's index). */
export interface NamedTensor { name: string; tensor: tfc.Tensor }

interface VariableState {
  variable: tfc.Variable;
  /** By slot name (m, v, ...). */
  slots: Map<string, tfc.Variable>;
}

/** `dense/kernel/m` -> ['dense/kernel', 'm']: the slot suffix is the last path segment. */
function splitSlotName(name: string): [string, string] {
  const cut = name.lastIndexOf('/');
  return cut < 0 ? [name, ''] : [name.slice(0, cut), name.slice(cut + 1)];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Which slots a call is about: a compiled rule's (CompiledRule has `slots`), or some extra slots. */
export interface SlotSet { readonly slots: readonly SlotSpec[] }

export class SlotStore {
  private readonly state = new Map<string, VariableState>();
  /** Loaded by setWeights for variables not seen yet (a model just reloaded): saved variable name -> suffix -> value. */
  private readonly pending = new Map<string, Map<string, tfc.Variable>>();

  /** Every slot the store may hold: the rule's, then the extra ones. */
  private readonly specs: readonly SlotSpec[];

  constructor(private readonly rule: UpdateRule, extra: readonly SlotSpec[] = []) {
    this.specs = [...rule.slots, ...extra];
  }

  /**
   * Throws if state kept or loaded for `variable` does not fit it (another shape), naming the
   * variable and both shapes. Changes nothing.
   */
  check(variable: tfc.Variable, set: SlotSet): void {
    const kept = this.live(variable);
    for (const slot of set.slots) {
      if (kept?.slots.has(slot.name)) continue;
      const loaded = this.pendingFor(variable.name)?.[1].get(slot.suffix);
      if (loaded && !tfc.util.arraysEqual(loaded.shape, variable.shape)) {
        throw new Error(`optimizer state '${variable.name}/${slot.suffix}' from a checkpoint has shape ${shapeText(loaded.shape)} but variable '${variable.name}' has shape ${shapeText(variable.shape)}; nothing was changed`);
      }
    }
  }

  /**
   * The variable's slots in `set.slots` order, creating missing ones from loaded state, or from their
   * initial value (a number to fill with, or a tensor to copy). Call `check` first.
   */
  slotsOf(variable: tfc.Variable, set: SlotSet, initialValue: (slot: SlotSpec) => number | tfc.Tensor): tfc.Variable[] {
    let kept = this.live(variable);
    if (!kept) {
      this.forget(variable.name);
      kept = { variable, slots: new Map() };
      this.state.set(variable.name, kept);
    }
    for (const slot of set.slots) {
      if (kept.slots.has(slot.name)) continue;
      const loaded = this.takePending(variable.name, slot.suffix);
      kept.slots.set(slot.name, loaded ?? tfc.tidy(() => {
        const init = initialValue(slot);
        return (typeof init === 'number' ? tfc.fill(variable.shape, init) : tfc.clone(init)).variable(false);
      }));
    }
    return set.slots.map((slot) => kept.slots.get(slot.name)!);
  }

  /** Each live variable that has the slot, with it: [variable, slot value]. */
  withSlot(slotName: string): Array<[tfc.Variable, tfc.Variable]> {
    const found: Array<[tfc.Variable, tfc.Variable]> = [];
    for (const kept of this.state.values()) {
      const slot = kept.slots.get(slotName);
      if (slot && !kept.variable.isDisposed) found.push([kept.variable, slot]);
    }
    return found;
  }

  /** Every slot as `<variable>/<suffix>`, and loaded state not adopted yet (saving right after loading keeps it). */
  weights(): NamedTensor[] {
    const weights: NamedTensor[] = [];
    for (const [name, kept] of this.state) {
      for (const slot of this.specs) {
        const v = kept.slots.get(slot.name);
        if (v) weights.push({ name: `${name}/${slot.suffix}`, tensor: v });
      }
    }
    for (const [name, slots] of this.pending) for (const [suffix, v] of slots) weights.push({ name: `${name}/${suffix}`, tensor: v });
    return weights;
  }

  /** Loads slots saved by `weights`; every entry is checked before any is taken. */
  load(weights: readonly NamedTensor[]): void {
    const suffixes = new Map(this.specs.map((s) => [s.suffix, s]));
    const updates: Array<() => void> = [];
    for (const { name, tensor } of weights) {
      const [variableName, suffix] = splitSlotName(name);
      const slot = suffixes.get(suffix);
      if (!slot) throw new Error(`setWeights: '${name}' is not a slot of the ${this.rule.name} rule or of this optimizer's options (slots: ${[...suffixes.keys()].join(', ')})`);
      if (tensor.dtype !== 'float32') throw new Error(`setWeights: '${name}' has dtype ${tensor.dtype}; optimizer state is float32`);
      const kept = this.state.get(variableName);
      const live = kept && !kept.variable.isDisposed ? kept : undefined;
      if (live && !tfc.util.arraysEqual(live.variable.shape, tensor.shape)) {
        throw new Error(`setWeights: '${name}' has shape ${shapeText(tensor.shape)} but variable '${variableName}' has shape ${shapeText(live.variable.shape)}`);
      }
      updates.push(() => {
        const fresh = tfc.tidy(() => tfc.clone(tensor).variable(false));
        if (live) {
          live.slots.get(slot.name)?.dispose();
          live.slots.set(slot.name, fresh);
        } else {
          let slots = this.pending.get(variableName);
          if (!slots) this.pending.set(variableName, (slots = new Map()));
          slots.get(suffix)?.dispose();
          slots.set(suffix, fresh);
        }
      });
    }
    updates.forEach((u) => u());
    this.stems = null;
  }

  dispose(): void {
    for (const name of [...this.state.keys()]) this.forget(name);
    for (const slots of this.pending.values()) for (const v of slots.values()) v.dispose();
    this.pending.clear();
    this.stems = null;
  }

  /** The state kept for this very variable; state of a disposed variable that had its name is not its state. */
  private live(variable: tfc.Variable): VariableState | undefined {
    const kept = this.state.get(variable.name);
    return kept?.variable === variable ? kept : undefined;
  }

  private forget(name: string) {
    const kept = this.state.get(name);
    if (!kept) return;
    for (const v of kept.slots.values()) v.dispose();
    this.state.delete(name);
  }

  /**
   * Loaded slots for a variable, as [saved name, slots]: saved under its exact name, else under a
   * name with the same stem (they differ by tfjs's reload suffix: saved as `dense/kernel_3` by a
   * model loaded twice, now `dense/kernel` in a fresh process or `dense/kernel_5` in this one);
   * among several, one whose name no live variable has.
   */
  private pendingFor(name: string): [string, Map<string, tfc.Variable>] | undefined {
    const exact = this.pending.get(name);
    if (exact) return [name, exact];
    const candidates = (this.pendingStems().get(withoutUniqueSuffix(name)) ?? []).filter((c) => this.pending.has(c));
    const registered = tfc.engine().registeredVariables;
    const saved = candidates.find((c) => !registered[c]) ?? candidates[0];
    return saved === undefined ? undefined : [saved, this.pending.get(saved)!];
  }

  /** Saved names by their stem (rebuilt after each load). */
  private stems: Map<string, string[]> | null = null;
  private pendingStems(): Map<string, string[]> {
    if (!this.stems) {
      this.stems = new Map();
      for (const saved of this.pending.keys()) {
        const stem = withoutUniqueSuffix(saved);
        this.stems.set(stem, [...(this.stems.get(stem) ?? []), saved]);
      }
    }
    return this.stems;
  }

  private takePending(name: string, suffix: string): tfc.Variable | undefined {
    const found = this.pendingFor(name);
    const v = found?.[1].get(suffix);
    if (!found || !v) return undefined;
    found[1].delete(suffix);
    if (found[1].size === 0) this.pending.delete(found[0]);
    return v;
  }
}

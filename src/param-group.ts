// One parameter group as the user sees it, like an entry of PyTorch's optimizer.param_groups. It owns
// its settings (scale, weight decay, hyperparameter overrides, a rate set on it directly) and computes
// its own learning rate; the optimizer's base rate and step come from the optimizer.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupDefinition, GroupLookup } from './groups.js';
import { describeGroup } from './groups.js';
import { checkNonNegative } from './checks.js';
import type { GroupScalars, Hyperparameters, HyperValue } from './rules/rule.js';
import { groupRate, scheduleMinLr, type LearningRate } from './schedules.js';

/** What a group reads from its optimizer. */
export interface GroupOwner {
  /** The base learning rate or schedule, before scales. */
  readonly learningRateSchedule: LearningRate;
  /** See GroupedOptimizerOptions.scaleMinLr. */
  readonly scaleMinLr: boolean;
  /** The step the next update is (0-based). */
  readonly iterations: number;
  /** The rule's hyperparameters as the optimizer set them. */
  readonly hyperparameters: Readonly<Hyperparameters>;
}

export function baseRateAt(lr: LearningRate, step: number): number {
  return typeof lr === 'number' ? lr : lr(step);
}

export class ParamGroup {
  /**
   * A rate set on the group directly (`group.lr = x`, as LayerScaleLR in OneFlow's Eager mode does):
   * used as is, no scale applied, until the optimizer's rate is replaced.
   */
  lrOverride: number | null = null;

  constructor(private readonly def: GroupDefinition, private readonly owner: GroupOwner, private readonly lookup: GroupLookup) {}

  get index() { return this.def.index; }
  get name() { return this.def.name; }
  get lrScale() { return this.def.lrScale; }
  set lrScale(value: number) { this.def.lrScale = checkNonNegative(value, `${this.where}: lrScale`); }
  get weightDecay() { return this.def.weightDecay; }
  /** The group's own base rate or schedule, or the optimizer's when it has none. */
  get schedule(): LearningRate { return this.def.schedule ?? this.owner.learningRateSchedule; }
  /** The effective learning rate of the next step. */
  get lr(): number { return this.rateAt(this.owner.iterations); }
  /** Sets the rate the group uses as is, PyTorch style (`group['lr'] = ...`); setLearningRate clears it. */
  set lr(value: number) { this.lrOverride = checkNonNegative(value, `${this.where}: lr`); }
  get hyperparameters(): Record<string, HyperValue> { return { ...this.owner.hyperparameters, ...this.def.overrides }; }
  /** Names of the group's variables: given as objects, resolved by earlier steps, or live ones it names. */
  get params(): string[] { return this.lookup.namesOf(this.index, tfc.engine().registeredVariables); }
  /** `group 2 ('layer_1_decay')`, for messages. */
  get where(): string { return describeGroup(this.index, this.name); }

  /** The group's effective rate at a step: its override, or its schedule's rate (its own, else the optimizer's) times lrScale. */
  rateAt(step: number): number {
    if (this.lrOverride !== null) return this.lrOverride;
    const schedule = this.schedule;
    return groupRate(baseRateAt(schedule, step), this.lrScale, this.owner.scaleMinLr ? 0 : scheduleMinLr(schedule));
  }

  /** The scalars the rule's math reads for this group at a step (GroupScalars); throws on a bad rate. */
  scalarsAt(step: number): GroupScalars {
    const lr = this.rateAt(step);
    if (!Number.isFinite(lr) || lr < 0) throw new Error(`${this.where}: the learning rate at step ${step} is ${lr}; a schedule must return finite numbers >= 0`);
    return { lr, wd: this.weightDecay };
  }

  /** A plain snapshot, what console.log and JSON.stringify show (no optimizer internals, no cycles). */
  toJSON() {
    return { name: this.name, params: this.params, lrScale: this.lrScale, lr: this.lr, weightDecay: this.weightDecay, hyperparameters: this.hyperparameters };
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return { ...this.toJSON(), ...(this.lrOverride !== null ? { lrOverride: this.lrOverride } : {}) };
  }
}

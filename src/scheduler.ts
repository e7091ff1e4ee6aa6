// OneFlow's Eager mode, and schedules inside model.fit.
//
// Two places can apply a group's lrScale, never both at once:
// - the optimizer (OneFlow's Graph mode): GroupedOptimizer computes schedule(t) × lrScale inside
//   its update, from optimizer.iterations;
// - LayerScaleLR (OneFlow's Eager mode, its _LRScheduler subclass): it sets each group's
//   `lr` to schedule(t) × lrScale. Setting group.lr stores an override that the optimizer uses as
//   is, with no scale, so attaching a LayerScaleLR replaces the optimizer's own scaling instead of
//   stacking on it. Rates are always computed from the base schedule, never from the current rate,
//   so stepping twice or attaching two schedulers cannot compound a scale either.
import type * as tfc from '@tensorflow/tfjs-core';
import { GroupedOptimizer } from './optimizer.js';
import { checkRateAt, groupRate, scheduleMinLr, toSchedule, type LearningRate, type Schedule } from './schedules.js';

/** One entry of the optimizer's groups as a scheduler sees it (an entry of PyTorch's param_groups). */
export interface SchedulableGroup {
  /** The group's name; null for the single group of a stock tfjs optimizer. */
  readonly name: string | null;
  /** The group's scale; undefined where there is none (a stock tfjs optimizer). */
  readonly lrScale: number | undefined;
  /** The rate the next step uses. Setting it makes the optimizer use that rate as is. */
  lr: number;
}

export interface LayerScaleLROptions {
  /** The step the scheduler starts at. Default optimizer.iterations: a restored optimizer continues its schedule. */
  step?: number;
  /** Scale the schedule's minLr too (MAE). Default: the optimizer's scaleMinLr option, or true for stock optimizers. */
  scaleMinLr?: boolean;
}

/**
 * `new LayerScaleLR(optimizer, schedule?)`: on construction and on every step() it calls
 * updateLrs(lrs), with lrs the schedule's base rate at the scheduler's step, one per group; updateLrs
 * sets each group's lr to lr × lrScale (plain lr for a group without a scale). Subclasses may
 * override updateLrs, as OneFlow's note does (it first runs inside this constructor, before a subclass's
 * own field initializers). Call step() after each optimizer step, as in PyTorch.
 *
 * Without a schedule it uses the optimizer's own (GroupedOptimizer) or its current rate (stock).
 * A stock tfjs optimizer is one group without a scale: SGD and Momentum get setLearningRate (they
 * bake the rate into a constant tensor), the others get their `learningRate` field, read every step.
 */
export class LayerScaleLR {
  readonly optimizer: tfc.Optimizer;
  readonly schedule: Schedule;
  readonly paramGroups: readonly SchedulableGroup[];
  readonly scaleMinLr: boolean;
  /** The effective rate of each group set by the last updateLrs (OneFlow's _last_lr). */
  protected lastLr: number[] = [];
  private currentStep: number;

  constructor(optimizer: tfc.Optimizer, schedule?: LearningRate, options: LayerScaleLROptions = {}) {
    this.optimizer = optimizer;
    const grouped = optimizer instanceof GroupedOptimizer;
    this.paramGroups = grouped ? optimizer.paramGroups : [stockGroup(optimizer)];
    const base = schedule ?? (grouped ? optimizer.learningRateSchedule : this.paramGroups[0]!.lr);
    this.schedule = toSchedule(base, 'LayerScaleLR: the schedule');
    this.scaleMinLr = options.scaleMinLr ?? (grouped ? optimizer.scaleMinLr : true);
    if (typeof this.scaleMinLr !== 'boolean') throw new Error(`LayerScaleLR: scaleMinLr must be true or false, got ${this.scaleMinLr}`);
    this.currentStep = checkStep(options.step ?? optimizer.iterations);
    this.updateLrs(this.getLr(this.currentStep));
  }

  /** The step whose rates are set now. */
  get lastStep(): number {
    return this.currentStep;
  }

  /** The base rates at `step`, one per group (PyTorch's get_lr); throws if the schedule gives no valid rate there. */
  getLr(step: number): number[] {
    const lr = checkRateAt(this.schedule, checkStep(step), 'LayerScaleLR');
    return this.paramGroups.map(() => lr);
  }

  /** Moves to the next step, or to `step` (model.fit passes optimizer.iterations), and sets the rates for it. */
  step(step?: number): void {
    const next = checkStep(step ?? this.currentStep + 1);
    const lrs = this.getLr(next); // a bad rate throws here, before anything changes
    const previous = this.currentStep;
    this.currentStep = next;
    try {
      this.updateLrs(lrs);
    } catch (error) {
      this.currentStep = previous;
      throw error;
    }
  }

  /** OneFlow's update_lrs: group.lr = lr × lrScale, or lr for a group without a scale. */
  updateLrs(lrs: readonly number[]): void {
    const unscaledMinLr = this.scaleMinLr ? 0 : scheduleMinLr(this.schedule);
    const rates = this.paramGroups.map((group, i) => {
      const lr = lrs[i]!;
      return group.lrScale === undefined ? lr : groupRate(lr, group.lrScale, unscaledMinLr);
    });
    // Every rate is checked before any is set, so a bad one leaves all groups as they were.
    rates.forEach((rate, i) => {
      if (!Number.isFinite(rate) || rate < 0) {
        throw new Error(`LayerScaleLR: the rate of ${describe(this.paramGroups[i]!)} at step ${this.currentStep} would be ${rate}`);
      }
    });
    this.paramGroups.forEach((group, i) => { group.lr = rates[i]!; });
    this.lastLr = rates;
  }

  /** The effective rate of each group, as set for the current step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * A model.fit callback that steps this scheduler to optimizer.iterations before every batch (the
   * batch index restarts each epoch; the optimizer's counter does not, and survives a checkpoint),
   * and logs each group's rate (see LrScheduleCallback).
   */
  asCallback(): LrScheduleCallback {
    return fitCallback(this.paramGroups, () => {
      this.step(this.optimizer.iterations);
      return this.getLastLr();
    });
  }
}

/**
 * Keeps a schedule going inside model.fit and logs each group's effective rate.
 * - GroupedOptimizer: the optimizer itself applies schedule(t) × lrScale (OneFlow's Graph mode).
 *   A schedule given here replaces the optimizer's own, now (setLearningRate: it is then saved
 *   with the optimizer's config, so a checkpoint resumes it); the callback only logs.
 * - A stock tfjs optimizer: a LayerScaleLR sets its rate before every batch.
 * For the Eager mode with a GroupedOptimizer, use `new LayerScaleLR(optimizer, schedule).asCallback()`.
 */
export function lrScheduleCallback(optimizer: tfc.Optimizer, schedule?: LearningRate): LrScheduleCallback {
  if (optimizer instanceof GroupedOptimizer) {
    if (schedule !== undefined) optimizer.setLearningRate(schedule);
    return fitCallback(optimizer.paramGroups, () => optimizer.paramGroups.map((g) => g.lr));
  }
  return new LayerScaleLR(optimizer, schedule).asCallback();
}

/**
 * A model.fit callback. It is the plain object tfjs calls CustomCallbackArgs (model.fit wraps it),
 * and also has BaseCallback's methods, so it works in an array after tf.Callback instances too
 * (tfjs uses such an array as it is). Its methods are bound: tfjs may call them detached.
 *
 * Logs, under `lr/<group name>` (`lr` for a stock optimizer): in each batch's logs the rate that
 * batch used, and in each epoch's logs (hence model.fit's history) the rate of the epoch's last
 * batch. History runs after every user callback; a user callback that reads these keys at epoch
 * end must come after this one in the callbacks array.
 */
export interface LrScheduleCallback {
  validationData: null;
  setParams(params: unknown): void;
  setModel(model: unknown): void;
  onTrainBegin(logs?: Record<string, unknown>): Promise<void>;
  onTrainEnd(logs?: Record<string, unknown>): Promise<void>;
  onEpochBegin(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchBegin(batch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void>;
}

/** The log key of a group's rate. */
export function lrLogKey(group: Pick<SchedulableGroup, 'name'>): string {
  return group.name === null ? 'lr' : `lr/${group.name}`;
}

/** `ratesForNextBatch` runs before each batch (tfjs awaits onBatchBegin before the step) and returns the rates that batch uses. */
function fitCallback(groups: readonly SchedulableGroup[], ratesForNextBatch: () => number[]): LrScheduleCallback {
  const keys = groups.map(lrLogKey);
  let rates: number[] | null = null;
  const write = (logs: Record<string, unknown> | undefined) => {
    if (logs && rates) keys.forEach((key, i) => { logs[key] = rates![i]; });
  };
  return {
    validationData: null,
    setParams: () => {},
    setModel: () => {},
    onTrainBegin: async () => {},
    onTrainEnd: async () => {},
    onEpochBegin: async () => {},
    onBatchBegin: async () => { rates = ratesForNextBatch(); },
    onBatchEnd: async (_batch, logs) => write(logs),
    onEpochEnd: async (_epoch, logs) => write(logs),
  };
}

/** A stock tfjs optimizer as one group without a scale. */
function stockGroup(optimizer: tfc.Optimizer): SchedulableGroup {
  const stock = optimizer as unknown as { learningRate?: unknown; setLearningRate?: (lr: number) => void };
  if (typeof stock.learningRate !== 'number') {
    throw new Error(`LayerScaleLR: the ${optimizer.getClassName()} optimizer has no numeric learningRate to schedule`);
  }
  return {
    name: null,
    lrScale: undefined,
    get lr() { return stock.learningRate as number; },
    set lr(value: number) {
      // SGD and Momentum bake the rate into a constant tensor: only setLearningRate reaches it.
      if (typeof stock.setLearningRate === 'function') stock.setLearningRate(value);
      else stock.learningRate = value;
    },
  };
}

function checkStep(step: unknown): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new Error(`LayerScaleLR: a step must be an integer >= 0, got ${step}`);
  return step;
}

function describe(group: SchedulableGroup): string {
  return group.name === null ? 'the optimizer' : `group '${group.name}'`;
}

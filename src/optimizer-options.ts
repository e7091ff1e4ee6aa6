// GroupedOptimizer's options, checked: every option and hyperparameter, with a clear message for a
// misspelled or bad one, before an optimizer exists.
import * as tfc from '@tensorflow/tfjs-core';
import { BACKEND_EPSILON, checkHyperparameter, type Hyperparameters, type UpdateRule } from './rules/rule.js';
import { checkNonNegative, describeValue, unknownKeyMessage } from './checks.js';
import { isSchedule, type LearningRate } from './schedules.js';
import { isEngineChoice, type EngineChoice } from './engines/select.js';
import type { GroupDefinition } from './groups.js';
import { CLIP_KEYS, checkClipOptions, type ClipOptions } from './gradient-transforms.js';
import { checkAccumulationSteps } from './accumulation.js';
import { EMA_KEYS, checkEmaOptions, type EmaOptions } from './ema.js';

export interface GroupedOptimizerOptions {
  /** Base learning rate, or a schedule of the step. Each group uses it times its lrScale. */
  learningRate?: LearningRate;
  /** Weight decay of groups that set none (default: the rule's, adamw 0.01 as in PyTorch, others 0). */
  weightDecay?: number;
  /** Group (index or name) for variables that are in no group. Without it, such a gradient is an error. */
  defaultGroup?: number | string;
  /** 'auto' (fused where the backend has one), 'ops' (tfjs ops only), 'fused' (error if none), or an engine object. */
  engine?: EngineChoice;
  /**
   * true (default, MAE's rule): a group's rate is schedule(t) × lrScale, so the schedule's minLr is
   * scaled too. false: minLr + (schedule(t) − minLr) × lrScale, with minLr from the schedule's config
   * (schedules.scheduleMinLr): every group decays to the same floor.
   */
  scaleMinLr?: boolean;
  /** Keras 3's gradient clipping, one of: each gradient to this norm; */
  clipnorm?: number | null;
  /** each element to [−clipvalue, clipvalue]; */
  clipvalue?: number | null;
  /** all gradients of the step scaled together to this global norm (PyTorch's clip_grad_norm_). */
  globalClipnorm?: number | null;
  /** Update every n-th step with the mean of the n steps' gradients (Keras 3, optax's MultiSteps). */
  gradientAccumulationSteps?: number | null;
  /** Keep a moving average of each variable, updated after each update (Keras 3). */
  useEma?: boolean;
  /** The average's momentum (default 0.99). */
  emaMomentum?: number | null;
  /** Write the averages into the variables every this many updates. */
  emaOverwriteFrequency?: number | null;
  /** The rule's hyperparameters (beta1, momentum, centered, ...), for every group. */
  [hyperparameter: string]: unknown;
}

/** What happens around the update: clipping before it, accumulation, the moving average after it. */
export interface TrainingOptions extends ClipOptions, EmaOptions {
  /** 1: none. */
  gradientAccumulationSteps: number;
}

export interface CheckedOptions {
  learningRate: LearningRate;
  hyperparameters: Hyperparameters;
  weightDecay: number;
  engine: EngineChoice;
  scaleMinLr: boolean;
  training: TrainingOptions;
}

const OPTION_KEYS = ['learningRate', 'weightDecay', 'defaultGroup', 'engine', 'scaleMinLr', ...CLIP_KEYS, 'gradientAccumulationSteps', ...EMA_KEYS];

export function checkOptions(rule: UpdateRule, options: GroupedOptimizerOptions): CheckedOptions {
  const where = `${rule.name} optimizer`;
  const known = [...OPTION_KEYS, ...Object.keys(rule.hyperparameters)];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${where}: ${unknownKeyMessage('option', key, known)}`);
  }
  const hyperparameters: Hyperparameters = {};
  for (const [key, def] of Object.entries(rule.hyperparameters)) {
    const given = options[key];
    if (given === undefined || given === null) hyperparameters[key] = def === BACKEND_EPSILON ? tfc.backend().epsilon() : def;
    else hyperparameters[key] = checkHyperparameter(rule, key, given, where);
  }
  const engine = options.engine ?? 'auto';
  if (!isEngineChoice(engine)) throw new Error(`${where}: engine must be 'auto', 'ops', 'fused' or an engine object, got ${describeValue(engine)}`);
  const scaleMinLr = options.scaleMinLr ?? true;
  if (typeof scaleMinLr !== 'boolean') throw new Error(`${where}: scaleMinLr must be true or false, got ${describeValue(scaleMinLr)}`);
  return {
    learningRate: checkLearningRate(options.learningRate ?? rule.defaultLearningRate, rule.name),
    hyperparameters,
    weightDecay: checkNonNegative(options.weightDecay ?? rule.defaultWeightDecay, `${where}: weightDecay`),
    engine,
    scaleMinLr,
    training: checkTrainingOptions(options, where),
  };
}

export function checkTrainingOptions(options: Readonly<Record<string, unknown>>, where: string): TrainingOptions {
  return {
    ...checkClipOptions(options, where),
    gradientAccumulationSteps: checkAccumulationSteps(options.gradientAccumulationSteps, where),
    ...checkEmaOptions(options, where),
  };
}

export function checkLearningRate(lr: unknown, ruleName: string): LearningRate {
  if (isSchedule(lr)) return lr;
  if (lr === null || lr === undefined) throw new Error(`${ruleName} optimizer: a learning rate is required`);
  if (typeof lr === 'function') {
    throw new Error(`${ruleName} optimizer: a plain function is not a schedule; wrap it with defineSchedule({kind: 'myName', ...}, (step) => rate) (and registerSchedule to load it from a checkpoint), or use one of schedules.*`);
  }
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new Error(`${ruleName} optimizer: learning rate must be a finite number >= 0 or a schedule, got ${describeValue(lr)}`);
  }
  return lr;
}

export function resolveDefaultGroup(option: unknown, groups: readonly GroupDefinition[]): number | null {
  if (option === undefined || option === null) return null;
  const index = typeof option === 'number' ? option : groups.findIndex((g) => g.name === option);
  if (!Number.isInteger(index) || index < 0 || index >= groups.length) {
    throw new Error(`defaultGroup ${describeValue(option)} names no group; give a group index (0..${groups.length - 1}) or a group name`);
  }
  return index;
}

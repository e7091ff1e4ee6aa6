// GroupedOptimizer: the tf.Optimizer that takes parameter groups. It validates a step fully
// before changing anything, keeps each variable's state by variable name (not by position, cf.
// tfjs#4290), and hands each group's step to an engine (src/engines). The math is in src/rules.
import * as tfc from '@tensorflow/tfjs-core';
import { compileRule, scalarInputs, type CompiledRule, type HyperValue, type UpdateRule, BACKEND_EPSILON } from './rules/rule.js';
import { getRule } from './rules/index.js';
import { ADAMW_DEFAULT_WEIGHT_DECAY } from './rules/adamw.js';
import {
  GroupLookup, checkHyperparameter, checkNonNegative, defineGroups, describeGroup, describeValue, withoutUniqueSuffix,
  type GroupDefinition, type GroupSpec,
} from './groups.js';
import { groupRate, isSchedule, scheduleFromConfig, scheduleMinLr, type LearningRate, type ScheduleConfig } from './schedules.js';
import { selectEngine, type EngineChoice } from './engines/select.js';
import type { GroupEntry } from './engines/engine.js';
import { decodeConfigString, encodeConfigString } from './config-string.js';

/** {name, tensor}: what tfjs optimizers take and give as weights (not exported by tfjs-core's index). */
export interface NamedTensor { name: string; tensor: tfc.Tensor }

export interface GroupedOptimizerOptions {
  /** Base learning rate, or a schedule of the step. Each group uses it times its lrScale. */
  learningRate?: LearningRate;
  /** Weight decay of groups that set none (adamw: 0.01 as in PyTorch; other rules: 0). */
  weightDecay?: number;
  /** Group (index or name) for variables that are in no group. Without it, such a gradient is an error. */
  defaultGroup?: number | string;
  /** 'auto' (fused where the backend has one), 'ops' (tfjs ops only) or 'fused' (error if none). */
  engine?: EngineChoice;
  /**
   * true (default, MAE's rule): a group's rate is schedule(t) × lrScale, so the schedule's minLr is
   * scaled too. false: minLr + (schedule(t) − minLr) × lrScale, with minLr from the schedule's config
   * (schedules.scheduleMinLr): every group decays to the same floor.
   */
  scaleMinLr?: boolean;
  /** The rule's hyperparameters (beta1, momentum, centered, ...), for every group. */
  [hyperparameter: string]: unknown;
}

interface VariableState {
  variable: tfc.Variable;
  /** By slot name (m, v, ...). */
  slots: Map<string, tfc.Variable>;
}

const OPTION_KEYS = ['learningRate', 'weightDecay', 'defaultGroup', 'engine', 'scaleMinLr'];

/** One group as the user sees it, like an entry of PyTorch's optimizer.param_groups. */
export class ParamGroup {
  /** Set by a scheduler in the seed's eager mode: used as the group's rate as is (no scale applied). */
  lrOverride: number | null = null;
  constructor(private readonly optimizer: GroupedOptimizer, private readonly def: GroupDefinition) {}
  get index() { return this.def.index; }
  get name() { return this.def.name; }
  get lrScale() { return this.def.lrScale; }
  set lrScale(value: number) {
    this.def.lrScale = checkNonNegative(value, `${describeGroup(this.index, this.name)}: lrScale`);
  }
  get weightDecay() { return this.def.weightDecay; }
  /** The effective learning rate the next step uses. */
  get lr(): number { return this.optimizer.groupLearningRate(this.def.index, this.optimizer.iterations); }
  /** Sets the rate the group uses as is, PyTorch style (`group['lr'] = ...`); setLearningRate clears it. */
  set lr(value: number) {
    this.lrOverride = checkNonNegative(value, `${describeGroup(this.index, this.name)}: lr`);
  }
  /** Names of the variables in the group (those given as objects, and those resolved so far by name or pattern). */
  get params(): string[] { return this.optimizer.variableNamesOf(this.def.index); }
  get hyperparameters(): Record<string, HyperValue> { return this.optimizer.groupHyperparameters(this.def.index); }
}

export class GroupedOptimizer extends tfc.Optimizer {
  static className = 'GroupedOptimizer';
  // tf.Optimizer answers instanceof by duck typing (any object with minimize/applyGradients), and
  // subclasses inherit that: without this, every stock optimizer would be "instanceof GroupedOptimizer".
  static [Symbol.hasInstance](x: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, x);
  }
  readonly rule: UpdateRule;
  readonly paramGroups: readonly ParamGroup[];
  /** See GroupedOptimizerOptions.scaleMinLr. */
  readonly scaleMinLr: boolean;
  private baseLearningRate: LearningRate;
  private readonly hyper: Record<string, HyperValue>;
  private readonly defaultWeightDecay: number;
  private readonly groups: GroupDefinition[];
  private readonly lookup: GroupLookup;
  private readonly defaultGroupIndex: number | null;
  private readonly engineChoice: EngineChoice;
  private readonly state = new Map<string, VariableState>();
  /** Slots loaded by setWeights for variables not seen yet (a model just reloaded), by saved name. */
  private readonly pending = new Map<string, tfc.Variable>();
  private checkedPatterns = false;

  constructor(rule: string | UpdateRule, groups: readonly GroupSpec[], options: GroupedOptimizerOptions = {}) {
    super();
    this.rule = typeof rule === 'string' ? getRule(rule) : rule;
    const known = [...OPTION_KEYS, ...Object.keys(this.rule.hyperparameters)];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) throw new Error(`${this.rule.name} optimizer: unknown option '${key}'; known options: ${known.join(', ')}`);
    }
    this.baseLearningRate = checkLearningRate(options.learningRate ?? this.rule.defaultLearningRate, this.rule.name);
    this.hyper = {};
    for (const [key, def] of Object.entries(this.rule.hyperparameters)) {
      const given = options[key];
      if (given === undefined || given === null) this.hyper[key] = def === BACKEND_EPSILON ? tfc.backend().epsilon() : def;
      else this.hyper[key] = checkHyperparameter(this.rule, key, given, `${this.rule.name} optimizer`);
    }
    const wd = checkNonNegative(options.weightDecay ?? (this.rule.name === 'adamw' ? ADAMW_DEFAULT_WEIGHT_DECAY : 0), `${this.rule.name} optimizer: weightDecay`);
    this.defaultWeightDecay = wd;
    const specs = groups.map((g) => ('weightDecay' in g ? g : { ...g, weightDecay: wd }));
    this.groups = defineGroups(specs, this.rule);
    this.defaultGroupIndex = resolveDefaultGroup(options.defaultGroup, this.groups);
    this.lookup = new GroupLookup(this.groups, this.defaultGroupIndex);
    this.engineChoice = options.engine ?? 'auto';
    if (!['auto', 'ops', 'fused'].includes(this.engineChoice)) throw new Error(`engine must be 'auto', 'ops' or 'fused', got ${describeValue(this.engineChoice)}`);
    this.scaleMinLr = options.scaleMinLr ?? true;
    if (typeof this.scaleMinLr !== 'boolean') throw new Error(`scaleMinLr must be true or false, got ${describeValue(this.scaleMinLr)}`);
    this.paramGroups = this.groups.map((g) => new ParamGroup(this, g));
  }

  /** The base learning rate (before scales) at the next step. */
  get learningRate(): number { return baseRateAt(this.baseLearningRate, this.iterations); }
  get learningRateSchedule(): LearningRate { return this.baseLearningRate; }

  /** Replaces the base learning rate or schedule; clears rates set on groups directly. */
  setLearningRate(lr: LearningRate) {
    this.baseLearningRate = checkLearningRate(lr, this.rule.name);
    for (const g of this.paramGroups) g.lrOverride = null;
  }

  groupLearningRate(index: number, step: number): number {
    const group = this.paramGroups[index]!;
    if (group.lrOverride !== null) return group.lrOverride;
    const unscaledMinLr = this.scaleMinLr ? 0 : scheduleMinLr(this.baseLearningRate);
    return groupRate(baseRateAt(this.baseLearningRate, step), group.lrScale, unscaledMinLr);
  }

  groupHyperparameters(index: number): Record<string, HyperValue> {
    return { ...this.hyper, ...this.groups[index]!.overrides };
  }

  variableNamesOf(index: number): string[] {
    const names = new Set(this.groups[index]!.variables.keys());
    for (const [name, group] of this.lookup.resolvedNames()) if (group === index) names.add(name);
    return [...names];
  }

  override applyGradients(variableGradients: tfc.NamedTensorMap | NamedTensor[]): void {
    // 1. Validate everything; nothing is changed until all of it passes.
    const items = gradientList(variableGradients);
    const registered = tfc.engine().registeredVariables;
    const names = items.map((i) => i.name);
    for (const { name, tensor } of items) {
      const v = registered[name];
      if (!v) throw new Error(`got a gradient for '${name}', which is not a registered tf.Variable`);
      if (!tfc.util.arraysEqual(v.shape, tensor.shape)) throw new Error(`the gradient for '${name}' has shape [${tensor.shape}] but the variable has shape [${v.shape}]`);
    }
    if (!this.checkedPatterns) {
      const problems = this.lookup.unmatched([...Object.keys(registered), ...names]);
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    const groupOf = this.lookup.resolveAll(names, (n) => registered[n]);
    this.checkedPatterns = true;
    const step = this.iterations;
    const plans = this.groups.map((g) => {
      const lr = this.groupLearningRate(g.index, step);
      if (!Number.isFinite(lr) || lr < 0) throw new Error(`${describeGroup(g.index, g.name)}: the learning rate at step ${step} is ${lr}; a schedule must return finite numbers >= 0`);
      return { lr, entries: [] as GroupEntry[], rule: this.compiledRuleOf(g.index) };
    });
    // 2. Apply.
    items.forEach(({ name, tensor }, i) => {
      const variable = registered[name]!;
      if (!variable.trainable) return;
      const plan = plans[groupOf[i]!]!;
      const state = this.stateOf(variable, plan.rule);
      plan.entries.push({ param: variable, grad: tensor, slots: plan.rule.slotNames.map((s) => state.slots.get(s)!) });
    });
    const engine = selectEngine(this.engineChoice);
    plans.forEach((plan, index) => {
      const group = this.groups[index]!;
      if (plan.entries.length === 0 || group.lrScale === 0) return; // lrScale 0 freezes: no update, state kept
      const h = this.groupHyperparameters(index);
      const numeric: Record<string, number> = {};
      for (const [k, v] of Object.entries(h)) if (typeof v === 'number') numeric[k] = v;
      const raw = { ...numeric, ...this.rule.stepScalars?.(numeric, step + 1), lr: plan.lr, wd: group.weightDecay };
      const scalars = scalarInputs(plan.rule, raw);
      engine.run({ rule: plan.rule, scalars, entries: plan.entries });
    });
    this.incrementIterations();
  }

  private compiledRuleOf(index: number): CompiledRule {
    const h = this.groupHyperparameters(index);
    const flags: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(h)) if (typeof v === 'boolean') flags[k] = v;
    return compileRule(this.rule, flags, this.groups[index]!.weightDecay > 0);
  }

  /** The variable's state, creating missing slots (from pending loaded weights, or their initial value). */
  private stateOf(variable: tfc.Variable, rule: CompiledRule): VariableState {
    let state = this.state.get(variable.name);
    if (!state) {
      state = { variable, slots: new Map() };
      this.state.set(variable.name, state);
    }
    for (const slot of rule.slots) {
      if (state.slots.has(slot.name)) continue;
      const loaded = this.takePending(variable.name, slot.suffix);
      if (loaded) {
        state.slots.set(slot.name, loaded);
        continue;
      }
      const init = typeof slot.init === 'number' ? slot.init : (this.hyper[slot.init] as number);
      state.slots.set(slot.name, tfc.tidy(() => tfc.fill(variable.shape, init).variable(false)));
    }
    return state;
  }

  private takePending(variableName: string, suffix: string): tfc.Variable | undefined {
    const exact = `${variableName}/${suffix}`;
    let key = this.pending.has(exact) ? exact : undefined;
    if (!key) {
      const bare = withoutUniqueSuffix(variableName);
      for (const k of this.pending.keys()) {
        const [savedName, savedSuffix] = splitSlotName(k);
        if (savedSuffix === suffix && withoutUniqueSuffix(savedName) === bare) { key = k; break; }
      }
    }
    if (!key) return undefined;
    const v = this.pending.get(key)!;
    this.pending.delete(key);
    return v;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    for (const [name, state] of this.state) {
      for (const slot of this.rule.slots) {
        const v = state.slots.get(slot.name);
        if (v) weights.push({ name: `${name}/${slot.suffix}`, tensor: v });
      }
    }
    // Loaded state not adopted yet is still state: saving right after loading must keep it.
    for (const [name, v] of this.pending) weights.push({ name, tensor: v });
    return weights;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const suffixes = new Set(this.rule.slots.map((s) => s.suffix));
    const updates: Array<() => void> = [];
    for (const { name, tensor } of rest) {
      const [variableName, suffix] = splitSlotName(name);
      if (!suffixes.has(suffix)) throw new Error(`setWeights: '${name}' is not a slot of the ${this.rule.name} rule (slots: ${[...suffixes].join(', ')})`);
      const slot = this.rule.slots.find((s) => s.suffix === suffix)!;
      const state = this.state.get(variableName);
      const current = state?.slots.get(slot.name);
      if (state && !tfc.util.arraysEqual(state.variable.shape, tensor.shape)) {
        throw new Error(`setWeights: '${name}' has shape [${tensor.shape}] but variable '${variableName}' has shape [${state.variable.shape}]`);
      }
      updates.push(() => {
        const fresh = tfc.tidy(() => tfc.clone(tensor).variable(false));
        if (state) {
          current?.dispose();
          state.slots.set(slot.name, fresh);
        } else {
          this.pending.get(name)?.dispose();
          this.pending.set(name, fresh);
        }
      });
    }
    updates.forEach((u) => u());
  }

  override getConfig(): tfc.serialization.ConfigDict {
    const lr = this.baseLearningRate;
    return {
      // One JSON string: tfjs camel-cases every string of a loaded config ('layer_3' -> 'layer3'),
      // and encodeConfigString writes no underscore, so names and patterns survive save/load.
      spec: encodeConfigString({
        rule: this.rule.name,
        learningRate: typeof lr === 'number' ? lr : lr.config,
        hyperparameters: this.hyper,
        weightDecay: this.defaultWeightDecay,
        defaultGroup: this.defaultGroupIndex,
        engine: this.engineChoice,
        scaleMinLr: this.scaleMinLr,
        groups: this.groups.map((g, i) => ({
          name: g.name,
          lrScale: g.lrScale,
          weightDecay: g.weightDecay,
          overrides: g.overrides,
          lrOverride: this.paramGroups[i]!.lrOverride,
          names: [...g.variables.keys(), ...g.names],
          patterns: g.patterns.map((p) => ({ source: p.source, flags: p.flags })),
        })),
      }),
    };
  }

  static override fromConfig<T extends tfc.serialization.Serializable>(
    cls: tfc.serialization.SerializableConstructor<T>, config: tfc.serialization.ConfigDict,
  ): T {
    const spec = decodeConfigString(config.spec as string) as SavedSpec;
    const groups: GroupSpec[] = spec.groups.map((g) => ({
      name: g.name, lrScale: g.lrScale, weightDecay: g.weightDecay, ...g.overrides,
      params: [...g.names, ...g.patterns.map((p) => new RegExp(p.source, p.flags))],
    }));
    const learningRate = typeof spec.learningRate === 'number' ? spec.learningRate : scheduleFromConfig(spec.learningRate);
    const optimizer = new (cls as unknown as typeof GroupedOptimizer)(spec.rule, groups, {
      ...spec.hyperparameters, learningRate, weightDecay: spec.weightDecay,
      defaultGroup: spec.defaultGroup ?? undefined, engine: spec.engine, scaleMinLr: spec.scaleMinLr ?? true,
    });
    spec.groups.forEach((g, i) => { optimizer.paramGroups[i]!.lrOverride = g.lrOverride; });
    return optimizer as unknown as T;
  }

  override dispose(): void {
    for (const state of this.state.values()) for (const v of state.slots.values()) v.dispose();
    for (const v of this.pending.values()) v.dispose();
    this.state.clear();
    this.pending.clear();
  }
}
tfc.serialization.registerClass(GroupedOptimizer);

interface SavedSpec {
  rule: string;
  learningRate: number | ScheduleConfig;
  hyperparameters: Record<string, HyperValue>;
  weightDecay: number;
  defaultGroup: number | null;
  engine: EngineChoice;
  scaleMinLr?: boolean;
  groups: Array<{
    name: string; lrScale: number; weightDecay: number; overrides: Record<string, HyperValue>;
    lrOverride: number | null; names: string[]; patterns: Array<{ source: string; flags: string }>;
  }>;
}

function gradientList(g: tfc.NamedTensorMap | NamedTensor[]): NamedTensor[] {
  const list = Array.isArray(g) ? g : Object.keys(g).map((name) => ({ name, tensor: g[name]! }));
  return list.filter((item) => item.tensor != null);
}

/** `dense/kernel/m` -> ['dense/kernel', 'm']: the slot suffix is the last path segment. */
function splitSlotName(name: string): [string, string] {
  const cut = name.lastIndexOf('/');
  return cut < 0 ? [name, ''] : [name.slice(0, cut), name.slice(cut + 1)];
}

function baseRateAt(lr: LearningRate, step: number): number {
  return typeof lr === 'number' ? lr : lr(step);
}

function checkLearningRate(lr: unknown, ruleName: string): LearningRate {
  if (isSchedule(lr)) return lr;
  if (lr === null || lr === undefined) throw new Error(`${ruleName} optimizer: a learning rate is required`);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new Error(`${ruleName} optimizer: learning rate must be a finite number >= 0 or a schedule, got ${describeValue(lr)}`);
  }
  return lr;
}

function resolveDefaultGroup(option: unknown, groups: GroupDefinition[]): number | null {
  if (option === undefined || option === null) return null;
  const index = typeof option === 'number' ? option : groups.findIndex((g) => g.name === option);
  if (!Number.isInteger(index) || index < 0 || index >= groups.length) {
    throw new Error(`defaultGroup ${describeValue(option)} names no group; give a group index (0..${groups.length - 1}) or a group name`);
  }
  return index;
}

// GroupedOptimizer: the tf.Optimizer that takes parameter groups. One step reads top to bottom in
// applyGradients: the gradients are checked, each is resolved to its group, each group computes its
// rate and its step's scalars (rules/prepareStep), the state is checked against the variables, and
// only then does anything change: the engine runs each group's update and the step is counted.
// The math is in src/rules, the state in slots.ts, the saved form in saved-config.ts.
import * as tfc from '@tensorflow/tfjs-core';
import { prepareStep, type Hyperparameters, type UpdateRule } from './rules/rule.js';
import { getRule } from './rules/index.js';
import { GroupLookup, defineGroups, type GroupDefinition, type GroupSpec } from './groups.js';
import { ParamGroup, baseRateAt } from './param-group.js';
import { SlotStore, type NamedTensor } from './slots.js';
import { checkLearningRate, checkOptions, resolveDefaultGroup, type GroupedOptimizerOptions } from './optimizer-options.js';
import { decodeSpec, encodeSpec, groupSpecsOf, learningRateOf, savedLearningRate } from './saved-config.js';
import { selectEngine, type EngineChoice } from './engines/select.js';
import type { GroupEntry, GroupStep } from './engines/engine.js';
import type { LearningRate } from './schedules.js';

export type { NamedTensor } from './slots.js';
export type { GroupedOptimizerOptions } from './optimizer-options.js';

/** Gradient dtypes the step takes as they are, and those it casts to float32 first (as tfjs ops would). */
const CAST_TO_FLOAT = new Set(['int32', 'bool']);

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
  /** The rule's hyperparameters for every group (a group's own override them). */
  readonly hyperparameters: Readonly<Hyperparameters>;
  private schedule: LearningRate;
  private readonly defaultWeightDecay: number;
  private readonly groups: GroupDefinition[];
  private readonly lookup: GroupLookup;
  private readonly defaultGroupIndex: number | null;
  private readonly engineChoice: EngineChoice;
  private readonly slots: SlotStore;
  private checkedPatterns = false;

  /** `restored`: the groups come from a checkpoint (fromConfig), so their names may meet variables by stem (see GroupLookup). */
  constructor(rule: string | UpdateRule, groups: readonly GroupSpec[], options: GroupedOptimizerOptions = {}, restored = false) {
    super();
    this.rule = typeof rule === 'string' ? getRule(rule) : rule;
    const checked = checkOptions(this.rule, options);
    this.schedule = checked.learningRate;
    this.hyperparameters = checked.hyperparameters;
    this.defaultWeightDecay = checked.weightDecay;
    this.engineChoice = checked.engine;
    this.scaleMinLr = checked.scaleMinLr;
    this.groups = defineGroups(groups.map((g) => ('weightDecay' in g ? g : { ...g, weightDecay: checked.weightDecay })), this.rule);
    this.defaultGroupIndex = resolveDefaultGroup(options.defaultGroup, this.groups);
    this.lookup = new GroupLookup(this.groups, this.defaultGroupIndex, restored);
    this.slots = new SlotStore(this.rule);
    this.paramGroups = this.groups.map((g) => new ParamGroup(g, this, this.lookup));
  }

  /** The base learning rate (before scales) at the next step. */
  get learningRate(): number { return baseRateAt(this.schedule, this.iterations); }
  /** As on a stock optimizer (`optimizer.learningRate = x`, e.g. in a callback): setLearningRate. */
  set learningRate(lr: LearningRate) { this.setLearningRate(lr); }
  get learningRateSchedule(): LearningRate { return this.schedule; }

  /** Replaces the base learning rate or schedule; clears rates set on groups directly. */
  setLearningRate(lr: LearningRate) {
    this.schedule = checkLearningRate(lr, this.rule.name);
    for (const g of this.paramGroups) g.lrOverride = null;
  }

  override applyGradients(variableGradients: tfc.NamedTensorMap | NamedTensor[]): void {
    // 1. Check everything; nothing changes until all of it passes.
    const registered = tfc.engine().registeredVariables;
    const items = checkedGradients(variableGradients, registered);
    const names = items.map((i) => i.name);
    if (!this.checkedPatterns) {
      const problems = this.lookup.unmatched([...Object.keys(registered), ...names]);
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    const groupOf = this.lookup.resolveAll(names, (n) => registered[n]);
    this.checkedPatterns = true;
    const step = this.iterations;
    const plans = this.paramGroups.map((group) => {
      // lrScale 0 freezes a group: no update, state kept.
      if (group.lrScale === 0 || !groupOf.includes(group.index)) return null;
      const prepared = prepareStep(this.rule, group.hyperparameters, group.scalarsAt(step), step + 1, group.where);
      return { ...prepared, items: [] as typeof items };
    });
    items.forEach((item, i) => {
      const plan = plans[groupOf[i]!];
      if (!plan || !item.variable.trainable) return;
      this.slots.check(item.variable, plan.rule);
      plan.items.push(item);
    });
    // 2. Apply.
    const engine = selectEngine(this.engineChoice);
    const casts: tfc.Tensor[] = [];
    try {
      for (const plan of plans) {
        if (!plan || plan.items.length === 0) continue;
        const entries: GroupEntry[] = plan.items.map(({ variable, tensor }) => ({
          param: variable,
          grad: tensor.dtype === 'float32' ? tensor : (casts[casts.length] = tfc.cast(tensor, 'float32')),
          slots: this.slots.slotsOf(variable, plan.rule, (slot) => (typeof slot.init === 'number' ? slot.init : (this.hyperparameters[slot.init] as number))),
        }));
        const groupStep: GroupStep = { rule: plan.rule, scalars: plan.scalars, entries };
        engine.run(groupStep);
      }
    } finally {
      tfc.dispose(casts);
    }
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.slots.weights()];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.slots.load(await this.extractIterations(weightValues));
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return encodeSpec({
      rule: this.rule.name,
      learningRate: savedLearningRate(this.schedule),
      hyperparameters: { ...this.hyperparameters },
      weightDecay: this.defaultWeightDecay,
      defaultGroup: this.defaultGroupIndex,
      engine: typeof this.engineChoice === 'string' ? this.engineChoice : 'auto',
      scaleMinLr: this.scaleMinLr,
      groups: this.groups.map((g, i) => ({
        name: g.name, lrScale: g.lrScale, weightDecay: g.weightDecay, overrides: g.overrides,
        lrOverride: this.paramGroups[i]!.lrOverride,
        names: [...g.variables.keys(), ...g.names],
        patterns: g.patterns.map((p) => ({ source: p.source, flags: p.flags })),
      })),
    });
  }

  static override fromConfig<T extends tfc.serialization.Serializable>(
    cls: tfc.serialization.SerializableConstructor<T>, config: tfc.serialization.ConfigDict,
  ): T {
    const spec = decodeSpec(config);
    const optimizer = new (cls as unknown as typeof GroupedOptimizer)(spec.rule, groupSpecsOf(spec), {
      ...spec.hyperparameters, learningRate: learningRateOf(spec), weightDecay: spec.weightDecay,
      defaultGroup: spec.defaultGroup ?? undefined, engine: spec.engine, scaleMinLr: spec.scaleMinLr ?? true,
    }, true);
    spec.groups.forEach((g, i) => { optimizer.paramGroups[i]!.lrOverride = g.lrOverride; });
    return optimizer as unknown as T;
  }

  override dispose(): void {
    this.slots.dispose();
  }
}
tfc.serialization.registerClass(GroupedOptimizer);

interface CheckedGradient { name: string; tensor: tfc.Tensor; variable: tfc.Variable }

/** Every gradient alive, for a registered variable, of its shape and of a dtype the update can read; else an error naming it. */
function checkedGradients(g: tfc.NamedTensorMap | NamedTensor[], registered: Record<string, tfc.Variable>): CheckedGradient[] {
  const list = Array.isArray(g) ? g : Object.keys(g).map((name) => ({ name, tensor: g[name]! }));
  return list.filter((item) => item.tensor != null).map(({ name, tensor }) => {
    const variable = registered[name];
    if (!variable) throw new Error(`got a gradient for '${name}', which is not a registered tf.Variable`);
    if (tensor.isDisposed) throw new Error(`the gradient for '${name}' has been disposed`);
    if (tensor.dtype !== 'float32' && !CAST_TO_FLOAT.has(tensor.dtype)) {
      throw new Error(`the gradient for '${name}' has dtype ${tensor.dtype}; gradients must be float32 (int32 and bool are cast)`);
    }
    if (!tfc.util.arraysEqual(variable.shape, tensor.shape)) throw new Error(`the gradient for '${name}' has shape [${tensor.shape}] but the variable has shape [${variable.shape}]`);
    return { name, tensor, variable };
  });
}

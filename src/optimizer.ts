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
import { checkLearningRate, checkOptions, resolveDefaultGroup, type GroupedOptimizerOptions, type TrainingOptions } from './optimizer-options.js';
import { clipGradients, stepClip } from './gradient-transforms.js';
import { ACCUMULATOR_SLOT, accumulate, isUpdateStep, takeMean, updatesBefore } from './accumulation.js';
import { AVERAGE_SLOT, overwritesAfter, updateAverage, writeAverages } from './ema.js';
import { decodeSpec, encodeSpec, groupSpecsOf, learningRateOf, savedLearningRate } from './saved-config.js';
import { selectEngine, type EngineChoice } from './engines/select.js';
import type { GroupEntry, GroupStep } from './engines/engine.js';
import type { SlotSpec } from './rules/rule.js';
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
  /** Clipping, accumulation and the moving average (see GroupedOptimizerOptions). */
  readonly training: Readonly<TrainingOptions>;
  private schedule: LearningRate;
  private readonly defaultWeightDecay: number;
  private readonly groups: GroupDefinition[];
  private readonly lookup: GroupLookup;
  private readonly defaultGroupIndex: number | null;
  private readonly engineChoice: EngineChoice;
  private readonly slots: SlotStore;
  /** The optimizer's own state slots besides the rule's: the accumulator and the average, when on. */
  private readonly extraSlots: SlotSpec[];
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
    this.training = checked.training;
    this.extraSlots = [...(checked.training.gradientAccumulationSteps > 1 ? [ACCUMULATOR_SLOT] : []), ...(checked.training.useEma ? [AVERAGE_SLOT] : [])];
    this.groups = defineGroups(groups.map((g) => ('weightDecay' in g ? g : { ...g, weightDecay: checked.weightDecay })), this.rule);
    this.defaultGroupIndex = resolveDefaultGroup(options.defaultGroup, this.groups);
    this.lookup = new GroupLookup(this.groups, this.defaultGroupIndex, restored);
    this.slots = new SlotStore(this.rule, this.extraSlots);
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
    const items = checkedGradients(variableGradients, registered).filter((i) => i.variable.trainable);
    const names = items.map((i) => i.name);
    if (!this.checkedPatterns) {
      const problems = this.lookup.unmatched([...Object.keys(registered), ...names]);
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    const groupOf = this.lookup.resolveAll(names, (n) => registered[n]);
    this.checkedPatterns = true;
    const step = this.iterations;
    const { gradientAccumulationSteps: cycle, useEma } = this.training;
    const updating = isUpdateStep(step, cycle);
    const update = updatesBefore(step, cycle) + 1; // the rule's step t counts updates, not accumulation steps
    const plans = this.paramGroups.map((group) => {
      // lrScale 0 freezes a group: no update, state kept.
      if (group.lrScale === 0 || !groupOf.includes(group.index)) return null;
      const prepared = prepareStep(this.rule, group.hyperparameters, group.scalarsAt(step), update, group.where);
      return { ...prepared, state: { slots: [...prepared.rule.slots, ...this.extraSlots] }, entries: [] as Array<{ variable: tfc.Variable; index: number }> };
    });
    items.forEach((item, index) => {
      const plan = plans[groupOf[index]!];
      if (!plan) return;
      this.slots.check(item.variable, plan.state);
      plan.entries.push({ variable: item.variable, index });
    });
    // 2. Apply, in Keras 3's order: clip, accumulate, update, average.
    const engine = selectEngine(this.engineChoice);
    const owned: tfc.Tensor[] = [];
    const own = (t: tfc.Tensor) => (owned[owned.length] = t);
    try {
      const floats = items.map(({ tensor }) => (tensor.dtype === 'float32' ? tensor : own(tfc.cast(tensor, 'float32'))));
      // The clip inside the engine's fused update where it has one (runClipped). Not when
      // accumulating: Keras clips each step's gradients before they are added up, which the ops do.
      const fusedClip = cycle === 1 && engine.runClipped ? stepClip(this.training, floats) : null;
      const clip = (gs: readonly tfc.Tensor[]) => {
        const clipped = clipGradients(gs, this.training);
        clipped.forEach((g, i) => { if (g !== gs[i]) own(g); });
        return clipped;
      };
      const grads = fusedClip ? floats : clip(floats);
      const steps: GroupStep[] = [];
      const gradIndices: number[][] = []; // per step, each entry's index in grads (for the ops clip below)
      for (const plan of plans) {
        if (!plan || plan.entries.length === 0) continue;
        const entries: GroupEntry[] = plan.entries.map(({ variable, index }) => {
          let grad = grads[index]!;
          if (cycle > 1) {
            const [accumulator] = this.slots.slotsOf(variable, { slots: [ACCUMULATOR_SLOT] }, () => 0);
            if (!updating) accumulate(accumulator!, grad);
            else grad = own(takeMean(accumulator!, grad, cycle));
          }
          return { param: variable, grad, slots: this.slots.slotsOf(variable, plan.rule, (slot) => (typeof slot.init === 'number' ? slot.init : (this.hyperparameters[slot.init] as number))) };
        });
        steps.push({ rule: plan.rule, scalars: plan.scalars, entries });
        gradIndices.push(plan.entries.map((e) => e.index));
      }
      const updated = updating ? steps.flatMap((s) => s.entries.map((e) => e.param)) : [];
      if (updating && !(fusedClip && engine.runClipped!(steps, fusedClip))) {
        // No fused clip, or the engine declined it (having changed nothing): clip with ops, then update.
        const clipped = fusedClip ? clip(floats) : grads;
        steps.forEach((s, k) => engine.run(fusedClip ? { ...s, entries: s.entries.map((e, i) => ({ ...e, grad: clipped[gradIndices[k]![i]!]! })) } : s));
      }
      if (useEma && updating) {
        // A new average starts as a copy of the updated variable (Keras: the first update copies).
        const pairs = updated.map((p) => [p, this.slots.slotsOf(p, { slots: [AVERAGE_SLOT] }, () => p)[0]!] as const);
        for (const [param, average] of pairs) updateAverage(average, param, this.training.emaMomentum);
        if (overwritesAfter(update, this.training)) writeAverages(pairs);
      }
    } finally {
      tfc.dispose(owned);
    }
    this.incrementIterations();
  }

  /** Writes each variable's moving average into it (Keras's finalize_variable_values); nothing without useEma. */
  finalizeVariableValues(): void {
    if (this.training.useEma) writeAverages(this.slots.withSlot(AVERAGE_SLOT.name));
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
      training: { ...this.training },
      groups: this.groups.map((g, i) => ({
        name: g.name, lrScale: g.lrScale, weightDecay: g.weightDecay, overrides: g.overrides,
        lrOverride: this.paramGroups[i]!.lrOverride,
        schedule: g.schedule === null ? null : savedLearningRate(g.schedule),
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
      defaultGroup: spec.defaultGroup ?? undefined, engine: spec.engine, scaleMinLr: spec.scaleMinLr ?? true, ...spec.training,
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

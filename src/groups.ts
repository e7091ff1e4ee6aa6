// A user's group specs -> validated group definitions, and the lookup from a variable name to its
// group. Every error message of the group API lives here: it names the group (index and name) and
// the variable, and is raised before anything is changed.
import type * as tfc from '@tensorflow/tfjs-core';
import { checkHyperparameter, type HyperValue, type UpdateRule } from './rules/rule.js';
import { checkNonNegative, describeValue, unknownKeyMessage } from './checks.js';
import { matchPattern, withoutUniqueSuffix } from './variable-names.js';
import { isSchedule, type LearningRate } from './schedules.js';
import { isFrozenByFreezeLayers } from './frozen.js';

/** A tfjs-layers LayerVariable: `read()` gives the tf.Variable behind it (typed as a Tensor by tfjs). */
export interface LayerVariableLike { read(): tfc.Tensor; readonly name: string; readonly trainable: boolean }
/** A tfjs-layers Layer or LayersModel: its trainable weights. */
export interface LayerLike { readonly trainableWeights: readonly LayerVariableLike[]; readonly weights?: readonly LayerVariableLike[]; readonly name: string }

export type ParamRef = tfc.Variable | LayerVariableLike | LayerLike | string | RegExp;

export interface GroupSpec {
  params: ParamRef | readonly ParamRef[];
  /** Multiplies the learning rate of this group. 0 freezes it. Default 1. */
  lrScale?: number;
  /** PyTorch's and OneFlow's spelling of lrScale. */
  lr_scale?: number;
  /** Decoupled for adamw (p -= lr * wd * p), L2 added to the gradient for the other rules. */
  weightDecay?: number;
  name?: string;
  /** The group's own base rate or schedule (default: the optimizer's), times lrScale as the optimizer's is. */
  schedule?: LearningRate;
  /** Per-group overrides of the rule's hyperparameters (beta1, momentum, ...). */
  [hyperparameter: string]: unknown;
}

/** A validated group. Variables given as objects are known now; names and patterns resolve lazily. */
export interface GroupDefinition {
  index: number;
  name: string;
  lrScale: number;
  weightDecay: number;
  /** The group's own base rate or schedule; null: the optimizer's. */
  schedule: LearningRate | null;
  /** Hyperparameters given on this group (the optimizer merges them over its own). */
  overrides: Record<string, HyperValue>;
  /** Variables given as objects, by name. */
  variables: Map<string, tfc.Variable>;
  /** Exact variable names (matched also across the `_1` suffix of a reloaded model). */
  names: string[];
  patterns: RegExp[];
}

const BASE_KEYS = ['params', 'lrScale', 'lr_scale', 'weightDecay', 'name', 'schedule'];

export function describeGroup(index: number, name: string) {
  return `group ${index} ('${name}')`;
}

/** Validates every spec and returns definitions; throws on the first problem found. */
export function defineGroups(specs: readonly GroupSpec[], rule: UpdateRule): GroupDefinition[] {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new Error('parameter groups: expected a non-empty array of groups like [{params, lrScale}]');
  }
  const knownKeys = [...BASE_KEYS, ...Object.keys(rule.hyperparameters)];
  const owner = new Map<string, number>();
  const usedNames = new Set<string>();
  const groups = specs.map((spec, index) => {
    const label = `group ${index}`;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new Error(`${label}: expected an object like {params, lrScale}, got ${describeValue(spec)}`);
    }
    for (const key of Object.keys(spec)) {
      if (!knownKeys.includes(key)) throw new Error(`${label}: ${unknownKeyMessage('key', key, knownKeys)} (${rule.name} rule)`);
    }
    if (spec.lrScale !== undefined && spec.lr_scale !== undefined) {
      throw new Error(`${label}: give lrScale or its alias lr_scale, not both`);
    }
    const name = spec.name ?? `group_${index}`;
    if (typeof name !== 'string' || name.length === 0) throw new Error(`${label}: name must be a non-empty string, got ${describeValue(name)}`);
    if (usedNames.has(name)) throw new Error(`${label}: the name '${name}' is used by another group`);
    usedNames.add(name);
    const where = describeGroup(index, name);
    const lrScale = checkNonNegative(spec.lrScale ?? spec.lr_scale ?? 1, `${where}: lrScale`);
    const weightDecay = checkNonNegative(spec.weightDecay ?? 0, `${where}: weightDecay`);
    const schedule = spec.schedule ?? null;
    if (schedule !== null && !isSchedule(schedule) && !(typeof schedule === 'number' && Number.isFinite(schedule) && schedule >= 0)) {
      throw new Error(`${where}: schedule must be a schedule (schedules.*, defineSchedule) or a rate >= 0, got ${describeValue(schedule)}`);
    }
    const overrides: Record<string, HyperValue> = {};
    for (const key of Object.keys(rule.hyperparameters)) {
      if (spec[key] !== undefined) overrides[key] = checkHyperparameter(rule, key, spec[key], where);
    }
    const group: GroupDefinition = { index, name, lrScale, weightDecay, schedule, overrides, variables: new Map(), names: [], patterns: [] };
    const refs = (Array.isArray(spec.params) ? spec.params : [spec.params]) as ParamRef[];
    if (spec.params === undefined || spec.params === null) throw new Error(`${where}: 'params' is missing`);
    for (const ref of refs) addRef(group, ref, where, owner);
    if (group.variables.size === 0 && group.names.length === 0 && group.patterns.length === 0) {
      throw new Error(`${where} is empty: 'params' holds no trainable variable`);
    }
    return group;
  });
  return groups;
}

function addRef(group: GroupDefinition, ref: ParamRef, where: string, owner: Map<string, number>) {
  if (typeof ref === 'string') {
    group.names.push(ref);
  } else if (ref instanceof RegExp) {
    group.patterns.push(ref);
  } else if (isLayer(ref)) {
    // Variables frozen by freezeLayers stay in their group, to train there once unfrozen.
    const frozen = (ref.weights ?? []).filter(isFrozenByFreezeLayers);
    for (const w of [...ref.trainableWeights, ...frozen]) addVariable(group, w.read() as tfc.Variable, where, owner);
  } else if (isLayerVariable(ref)) {
    if (ref.trainable || isFrozenByFreezeLayers(ref)) addVariable(group, ref.read() as tfc.Variable, where, owner);
  } else if (isVariable(ref)) {
    if (ref.trainable) addVariable(group, ref, where, owner);
  } else {
    throw new Error(`${where}: params must hold tf.Variables, LayerVariables, Layers, LayersModels, names or RegExps; got ${describeValue(ref)}`);
  }
}

function addVariable(group: GroupDefinition, v: tfc.Variable, where: string, owner: Map<string, number>) {
  checkFloat(v, where);
  const other = owner.get(v.name);
  if (other !== undefined && other !== group.index) {
    throw new Error(`variable '${v.name}' is in two groups: group ${other} and ${where}`);
  }
  owner.set(v.name, group.index);
  group.variables.set(v.name, v);
}

export function checkFloat(v: { name: string; dtype: string }, where: string) {
  if (v.dtype !== 'float32') {
    throw new Error(`${where}: variable '${v.name}' has dtype ${v.dtype}; only float32 variables can be optimized`);
  }
}

/**
 * Maps variable names to their group, in this order: variables given as objects; exact names; a
 * name that shares its stem with a group's name (variable-names.ts: they differ by tfjs's reload
 * suffix only); patterns; the default group. The first tier that claims a name decides; two groups
 * claiming it in one tier is an error, never a silent first match. A name the user wrote meets
 * another by its stem only when no live variable has the name as written (`layer_0` never claims
 * `layer_1` while `layer_0` exists); names restored from a checkpoint (`restored`) always may: the
 * model they were saved from may still be alive in this process. Names and stems are indexed, so
 * resolving n names costs O(n) whatever the number of names in the groups.
 */
export class GroupLookup {
  private readonly cache = new Map<string, number>();
  private readonly byVariable = new Map<string, number>();
  private readonly byName = new Map<string, number[]>();
  /** Stem -> the group names with that stem (`dense/kernel` -> `dense/kernel`, `dense/kernel_3`). */
  private readonly byStem = new Map<string, string[]>();

  constructor(private readonly groups: readonly GroupDefinition[], private readonly defaultGroup: number | null, private readonly restored = false) {
    for (const g of groups) {
      for (const name of g.variables.keys()) this.byVariable.set(name, g.index);
      for (const name of g.names) {
        push(this.byName, name, g.index);
        push(this.byStem, withoutUniqueSuffix(name), name);
      }
    }
  }

  /** Resolves all names or throws; nothing is cached unless every name resolves. */
  resolveAll(names: readonly string[], variableOf: (name: string) => tfc.Variable | undefined): number[] {
    const fresh = new Map<string, number>();
    const result = names.map((name) => {
      const known = this.cache.get(name) ?? fresh.get(name);
      if (known !== undefined) return known;
      const index = this.byReference(name, variableOf) ?? this.byPattern(name) ?? this.defaultGroup;
      if (index === null) throw new Error(`got a gradient for variable '${name}', which is in no group; add it to a group or pass the defaultGroup option`);
      const v = variableOf(name);
      if (v) checkFloat(v, describeGroup(index, this.groups[index]!.name));
      fresh.set(name, index);
      return index;
    });
    for (const [k, v] of fresh) this.cache.set(k, v);
    return result;
  }

  /** Names of the group's variables: given as objects, resolved so far, or live and named by the group. */
  namesOf(index: number, registered: Readonly<Record<string, tfc.Variable>>): string[] {
    const names = new Set(this.groups[index]!.variables.keys());
    for (const [name, group] of this.cache) if (group === index) names.add(name);
    const variableOf = (n: string) => registered[n];
    for (const name of Object.keys(registered)) {
      if (names.has(name) || !registered[name]!.trainable) continue;
      try {
        if (this.byReference(name, variableOf) === index) names.add(name);
      } catch { /* claimed by two groups: the step will say so */ }
    }
    return [...names];
  }

  /** Tiers 1 to 3: the variable itself, its exact name, its name across the reload suffix. */
  private byReference(name: string, variableOf: (name: string) => tfc.Variable | undefined): number | null {
    const own = this.byVariable.get(name);
    if (own !== undefined) return own;
    const exact = this.byName.get(name);
    if (exact) return this.single(name, exact);
    const bridged = (this.byStem.get(withoutUniqueSuffix(name)) ?? [])
      .filter((n) => this.restored || variableOf(n) === undefined)
      .flatMap((n) => this.byName.get(n)!);
    return bridged.length > 0 ? this.single(name, bridged) : null;
  }

  private byPattern(name: string): number | null {
    const claims = this.groups.filter((g) => g.patterns.some((p) => matchPattern(p, name))).map((g) => g.index);
    return claims.length > 0 ? this.single(name, claims) : null;
  }

  private single(name: string, claims: readonly number[]): number {
    const distinct = [...new Set(claims)];
    if (distinct.length > 1) {
      const where = distinct.map((i) => describeGroup(i, this.groups[i]!.name)).join(' and ');
      throw new Error(`variable '${name}' is in two groups: ${where}`);
    }
    return distinct[0]!;
  }

  /** Groups given only by names/patterns that match none of `names`: reported as empty groups. */
  unmatched(names: readonly string[]): string[] {
    const stems = new Set(names.map(withoutUniqueSuffix));
    const meets = (n: string) => stems.has(withoutUniqueSuffix(n));
    const problems: string[] = [];
    for (const g of this.groups) {
      if (g.variables.size > 0 || g.names.some(meets) || g.patterns.some((p) => names.some((n) => matchPattern(p, n)))) continue;
      const refs = [...g.names.map((n) => `'${n}'`), ...g.patterns.map(String)].join(', ');
      problems.push(`${describeGroup(g.index, g.name)} is empty: no variable matches ${refs}`);
    }
    return problems;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function isLayer(x: unknown): x is LayerLike {
  return typeof x === 'object' && x !== null && Array.isArray((x as LayerLike).trainableWeights);
}
function isLayerVariable(x: unknown): x is LayerVariableLike {
  return typeof x === 'object' && x !== null && typeof (x as LayerVariableLike).read === 'function' && 'trainable' in x;
}
function isVariable(x: unknown): x is tfc.Variable {
  return typeof x === 'object' && x !== null && typeof (x as tfc.Variable).assign === 'function' && typeof (x as tfc.Variable).name === 'string' && 'dataId' in x;
}

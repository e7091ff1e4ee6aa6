// A user's group specs -> validated group definitions, and the lookup from a variable name to its
// group. Every error message of the group API lives here: it names the group (index and name) and
// the variable, and is raised before anything is changed.
import type * as tfc from '@tensorflow/tfjs-core';
import type { HyperValue, UpdateRule } from './rules/rule.js';

/** A tfjs-layers LayerVariable: `read()` gives the tf.Variable behind it (typed as a Tensor by tfjs). */
export interface LayerVariableLike { read(): tfc.Tensor; readonly name: string; readonly trainable: boolean }
/** A tfjs-layers Layer or LayersModel: its trainable weights. */
export interface LayerLike { readonly trainableWeights: readonly LayerVariableLike[]; readonly name: string }

export type ParamRef = tfc.Variable | LayerVariableLike | LayerLike | string | RegExp;

export interface GroupSpec {
  params: ParamRef | readonly ParamRef[];
  /** Multiplies the learning rate of this group. 0 freezes it. Default 1. */
  lrScale?: number;
  /** The seed's (PyTorch/OneFlow) spelling of lrScale. */
  lr_scale?: number;
  /** Decoupled for adamw (p -= lr * wd * p), L2 added to the gradient for the other rules. */
  weightDecay?: number;
  name?: string;
  /** Per-group overrides of the rule's hyperparameters (beta1, momentum, ...). */
  [hyperparameter: string]: unknown;
}

/** A validated group. Variables given as objects are known now; names and patterns resolve lazily. */
export interface GroupDefinition {
  index: number;
  name: string;
  lrScale: number;
  weightDecay: number;
  /** Hyperparameters given on this group (the optimizer merges them over its own). */
  overrides: Record<string, HyperValue>;
  /** Variables given as objects, by name. */
  variables: Map<string, tfc.Variable>;
  /** Exact variable names (matched also across the `_1` suffix of a reloaded model). */
  names: string[];
  patterns: RegExp[];
}

const BASE_KEYS = ['params', 'lrScale', 'lr_scale', 'weightDecay', 'name'];

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
      if (!knownKeys.includes(key)) {
        const hint = didYouMean(key, knownKeys);
        throw new Error(`${label}: unknown key '${key}' for the ${rule.name} rule${hint ? ` (did you mean '${hint}'?)` : ''}; known keys: ${knownKeys.join(', ')}`);
      }
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
    const overrides: Record<string, HyperValue> = {};
    for (const key of Object.keys(rule.hyperparameters)) {
      if (spec[key] !== undefined) overrides[key] = checkHyperparameter(rule, key, spec[key], where);
    }
    const group: GroupDefinition = { index, name, lrScale, weightDecay, overrides, variables: new Map(), names: [], patterns: [] };
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
    for (const w of ref.trainableWeights) addVariable(group, w.read() as tfc.Variable, where, owner);
  } else if (isLayerVariable(ref)) {
    if (ref.trainable) addVariable(group, ref.read() as tfc.Variable, where, owner);
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

/** `_1`, `_2`: the suffix tfjs-layers adds to a name already taken in the process (a reloaded model). */
export function withoutUniqueSuffix(name: string) {
  return name.replace(/_\d+$/, '');
}

/**
 * Maps variable names to their group. Explicit variables win; then exact names; then names equal
 * once the reload suffix is dropped; then patterns; then the default group. A name claimed by two
 * groups is an error, never a silent first match.
 */
export class GroupLookup {
  private readonly cache = new Map<string, number>();
  constructor(private readonly groups: readonly GroupDefinition[], private readonly defaultGroup: number | null) {}

  /** Resolves all names or throws; nothing is cached unless every name resolves. */
  resolveAll(names: readonly string[], variableOf: (name: string) => tfc.Variable | undefined): number[] {
    const fresh = new Map<string, number>();
    const result = names.map((name) => {
      const known = this.cache.get(name) ?? fresh.get(name);
      if (known !== undefined) return known;
      const index = this.find(name);
      const v = variableOf(name);
      if (v) checkFloat(v, describeGroup(index, this.groups[index]!.name));
      fresh.set(name, index);
      return index;
    });
    for (const [k, v] of fresh) this.cache.set(k, v);
    return result;
  }

  /** The group of every name resolved so far (what paramGroups[i].params lists). */
  resolvedNames(): ReadonlyMap<string, number> {
    return this.cache;
  }

  private find(name: string): number {
    for (const g of this.groups) if (g.variables.has(name)) return g.index;
    // An exact name wins over a name that only matches across the reload suffix.
    const exact = this.groups.some((g) => g.names.includes(name));
    const claims = new Set(this.groups.filter((g) => claimsByReference(g, name, exact)).map((g) => g.index));
    if (claims.size > 1) {
      const where = [...claims].map((i) => describeGroup(i, this.groups[i]!.name)).join(' and ');
      throw new Error(`variable '${name}' is in two groups: ${where}`);
    }
    if (claims.size === 1) return [...claims][0]!;
    if (this.defaultGroup !== null) return this.defaultGroup;
    throw new Error(`got a gradient for variable '${name}', which is in no group; add it to a group or pass the defaultGroup option`);
  }

  /** Groups given only by names/patterns that match none of `names`: reported as empty groups. */
  unmatched(names: readonly string[]): string[] {
    const problems: string[] = [];
    for (const g of this.groups) {
      if (g.variables.size > 0) continue;
      if (!names.some((n) => claimsByReference(g, n, false))) {
        const refs = [...g.names.map((n) => `'${n}'`), ...g.patterns.map(String)].join(', ');
        problems.push(`${describeGroup(g.index, g.name)} is empty: no variable matches ${refs}`);
      }
    }
    return problems;
  }
}

/** Whether a group's names or patterns take `name` (across the reload suffix unless `exactOnly`). */
function claimsByReference(g: GroupDefinition, name: string, exactOnly: boolean): boolean {
  const bare = withoutUniqueSuffix(name);
  const byName = exactOnly ? g.names.includes(name) : g.names.some((n) => n === name || withoutUniqueSuffix(n) === bare);
  return byName || g.patterns.some((p) => testPattern(p, name));
}

function testPattern(p: RegExp, name: string) {
  p.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return p.test(name);
}

/** `what must be a finite number >= 0`: the one check for rates, scales and decays. */
export function checkNonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a finite number >= 0, got ${describeValue(value)}`);
  }
  return value;
}

export function checkHyperparameter(rule: UpdateRule, key: string, value: unknown, where: string): HyperValue {
  const def = rule.hyperparameters[key];
  if (typeof def === 'boolean') {
    if (typeof value !== 'boolean') throw new Error(`${where}: ${key} must be true or false, got ${describeValue(value)}`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${where}: ${key} must be a finite number >= 0, got ${describeValue(value)}`);
  }
  return value;
}

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return (v as object).constructor?.name ? `a ${(v as object).constructor.name}` : typeof v;
}

function didYouMean(key: string, known: string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/_/g, '');
  const same = known.find((k) => squash(k) === squash(key));
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
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

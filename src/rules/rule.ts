// What an update rule is: its defaults, its state slots and its per-element math, as data.
// Engines (src/engines) turn a rule into work; nothing here touches tfjs.
import { evaluate, parseStatement, referencedNames, type Arithmetic, type Expr, type Statement } from './expression.js';
import { describeValue } from '../checks.js';

/** Stand-in default meaning "the backend's epsilon", as stock tfjs does (1e-7 for float32). */
export const BACKEND_EPSILON = 'backendEpsilon' as const;

export type HyperValue = number | boolean;
export type Hyperparameters = Record<string, HyperValue>;

export interface SlotSpec {
  /** The name the math uses (`m`, `v`, ...). */
  name: string;
  /** The suffix of the saved weight, `${variableName}/${suffix}`: the same one stock tfjs uses. */
  suffix: string;
  /** Initial value: 0, or the name of a hyperparameter (adagrad's initialAccumulatorValue). */
  init: number | string;
  /** The slot exists only when this boolean hyperparameter is true (rmsprop's `mg` needs `centered`). */
  onlyIf?: string;
}

/** A numeric hyperparameter's allowed values beyond `>= 0`: `below` excludes the bound, `atMost` includes it. */
export interface HyperparameterRange { below?: number; atMost?: number }

/**
 * The scalars every rule's math may read besides its hyperparameters, set per group and step by
 * the optimizer: `lr`, the group's effective learning rate, and `wd`, its weight decay.
 */
export interface GroupScalars { lr: number; wd: number }

export interface UpdateRule {
  name: string;
  /** Learning rate tfjs-layers uses for the rule's `compile` string ('adam' -> 0.001). */
  compileLearningRate: number;
  /** Default learning rate of the factory when none is given (null: required, as for stock sgd). */
  defaultLearningRate: number | null;
  /** Hyperparameters and defaults; booleans choose a variant of the math. */
  hyperparameters: Readonly<Record<string, HyperValue | typeof BACKEND_EPSILON>>;
  /** Ranges tighter than `>= 0` (Adam's betas below 1: PyTorch's checks, and 1 divides by zero). */
  ranges?: Readonly<Record<string, HyperparameterRange>>;
  /** Weight decay of a group that sets none, when the optimizer sets none either (AdamW: 0.01, PyTorch's). */
  defaultWeightDecay: number;
  /** Order of the stock factory's positional arguments after the learning rate. */
  positional: readonly string[];
  /** 'decoupled' (AdamW): p -= lr * wd * p before the step. 'l2' (PyTorch's other optimizers): g += wd * p. */
  weightDecay: 'decoupled' | 'l2';
  slots: readonly SlotSpec[];
  /** Scalars computed once per step on the host from the (float32) hyperparameters and the 1-based step t. */
  stepScalars?(h: Readonly<Record<string, number>>, t: number): Record<string, number>;
  /**
   * The per-element update. Reads `p` (param), `g` (gradient), the slots, the GroupScalars (`lr`,
   * `wd`), the numeric hyperparameters and the step scalars. Assigns slots and `p`.
   */
  math(flags: Readonly<Record<string, boolean>>): string[];
}

/** A rule specialised for one set of boolean flags and weight-decay presence: what an engine runs. */
export interface CompiledRule {
  rule: UpdateRule;
  /** Stable key: rule name + flags. Engines cache kernels by it. */
  key: string;
  statements: Statement[];
  slots: SlotSpec[];
  slotNames: string[];
  /** Names the math assigns that are neither the param nor a slot: per-element temporaries. */
  temporaries: string[];
  /** Names of the scalar inputs, in a fixed order (used as uniform layout by the WebGPU engine). */
  scalarNames: string[];
  /**
   * Subexpressions of scalars only (`1 - beta1`, `lr * wd`), lifted out of the per-element math and
   * computed once per step on the host in float64, as tfjs does when it folds JS numbers before
   * making a tensor of them. Every engine then sees the same float32 inputs.
   */
  hoisted: Array<{ name: string; value: Expr }>;
}

/** beta^t as stock tfjs computes it: from the float32 beta (its accBeta variables are float32). */
export function float32Power(beta: number, t: number): number {
  return Math.fround(Math.pow(Math.fround(beta), t));
}

const compiled = new Map<string, CompiledRule>();

export function compileRule(rule: UpdateRule, flags: Record<string, boolean>, hasWeightDecay: boolean): CompiledRule {
  const flagKey = Object.keys(flags).sort().map((k) => `${k}=${flags[k] ? 1 : 0}`).join(',');
  const key = `${rule.name}|${flagKey}|wd=${hasWeightDecay ? 1 : 0}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const lines = [...rule.math(flags)];
  if (hasWeightDecay) {
    lines.unshift(rule.weightDecay === 'decoupled' ? 'p = p - lr * wd * p' : 'g = g + wd * p');
  }
  const parsed = lines.map(parseStatement);
  const slots = rule.slots.filter((s) => s.onlyIf === undefined || flags[s.onlyIf] === true);
  const slotNames = slots.map((s) => s.name);
  const elementNames = new Set(['p', 'g', ...slotNames]);
  const assigned = new Set<string>();
  const hoisted: CompiledRule['hoisted'] = [];
  const statements = parsed.map((st) => {
    const elementValued = (n: string) => elementNames.has(n) || assigned.has(n);
    const value = hoistScalarParts(st.value, elementValued, hoisted);
    assigned.add(st.target);
    return { ...st, value };
  });
  const scalars = new Set<string>();
  for (const st of statements) for (const n of referencedNames(st.value)) if (!elementNames.has(n) && !assigned.has(n)) scalars.add(n);
  const temporaries = [...assigned].filter((n) => !elementNames.has(n));
  const result: CompiledRule = { rule, key, statements, slots, slotNames, temporaries, scalarNames: [...scalars].sort(), hoisted };
  compiled.set(key, result);
  return result;
}

function hoistScalarParts(e: Expr, elementValued: (n: string) => boolean, hoisted: CompiledRule['hoisted']): Expr {
  if (e.kind === 'num' || e.kind === 'ref') return e;
  if (![...referencedNames(e)].some(elementValued)) {
    const name = `k${hoisted.length}`;
    hoisted.push({ name, value: e });
    return { kind: 'ref', name };
  }
  switch (e.kind) {
    case 'neg': return { ...e, arg: hoistScalarParts(e.arg, elementValued, hoisted) };
    case 'bin': return { ...e, left: hoistScalarParts(e.left, elementValued, hoisted), right: hoistScalarParts(e.right, elementValued, hoisted) };
    case 'call': return { ...e, args: e.args.map((a) => hoistScalarParts(a, elementValued, hoisted)) };
  }
}

const float64: Arithmetic<number> = {
  constant: (v) => v, add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  neg: (a) => -a, sqrt: Math.sqrt, abs: Math.abs, max: Math.max, min: Math.min,
};

/** The values of `rule.scalarNames` for one step, from the raw scalars (lr, wd, hyperparameters, step scalars). */
export function scalarInputs(rule: CompiledRule, raw: Readonly<Record<string, number>>): Record<string, number> {
  const values: Record<string, number> = { ...raw };
  const lookup = (id: string) => {
    const v = values[id];
    if (v === undefined) throw new Error(`update rule ${rule.key}: no value for scalar '${id}'`);
    return v;
  };
  for (const h of rule.hoisted) values[h.name] = evaluate(h.value, lookup, float64);
  const inputs: Record<string, number> = {};
  for (const name of rule.scalarNames) inputs[name] = lookup(name);
  return inputs;
}

/** Checks one hyperparameter value against the rule's default (boolean or number) and range. */
export function checkHyperparameter(rule: UpdateRule, key: string, value: unknown, where: string): HyperValue {
  const def = rule.hyperparameters[key];
  if (typeof def === 'boolean') {
    if (typeof value !== 'boolean') throw new Error(`${where}: ${key} must be true or false, got ${describeValue(value)}`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${where}: ${key} must be a finite number >= 0, got ${describeValue(value)}`);
  }
  const range = rule.ranges?.[key];
  if ((range?.below !== undefined && value >= range.below) || (range?.atMost !== undefined && value > range.atMost)) {
    const interval = range.below !== undefined ? `[0, ${range.below})` : `[0, ${range.atMost}]`;
    throw new Error(`${where}: ${key} must be in ${interval} for the ${rule.name} rule, got ${value}`);
  }
  return value as number;
}

/** What an engine runs for one group's step: the rule compiled for its flags, and its scalar inputs. */
export interface PreparedStep { rule: CompiledRule; scalars: Record<string, number> }

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The one place where a rule, a group's hyperparameters and the step's GroupScalars become what an
 * engine runs: booleans choose the variant of the math, numbers and the step scalars become its
 * scalar inputs. Throws, naming `where`, if an input is not finite in float32 (a rate of 1e300), so
 * that no engine writes Infinity or NaN into a variable.
 */
export function prepareStep(rule: UpdateRule, hyperparameters: Hyperparameters, group: GroupScalars, t: number, where: string): PreparedStep {
  const flags: Record<string, boolean> = {};
  const numbers: Record<string, number> = {};
  for (const [k, v] of Object.entries(hyperparameters)) {
    if (typeof v === 'boolean') flags[k] = v;
    else numbers[k] = v;
  }
  const compiled = compileRule(rule, flags, group.wd > 0);
  const scalars = scalarInputs(compiled, { ...numbers, ...rule.stepScalars?.(numbers, t), lr: group.lr, wd: group.wd });
  for (const [name, value] of Object.entries(scalars)) {
    if (!(Math.abs(value) <= FLOAT32_MAX)) {
      const what = name in group ? `${name} ${group[name as keyof GroupScalars]}` : `the step scalar '${name}' (${value}, from lr ${group.lr}, wd ${group.wd})`;
      throw new Error(`${where}: ${what} does not fit in float32 at step ${t}; nothing was changed`);
    }
  }
  return { rule: compiled, scalars };
}

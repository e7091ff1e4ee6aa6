// install(tf): teaches tf.train.<rule> to take parameter groups, adds tf.train.adamw and
// model.compile({optimizer: 'adamw'}). uninstall(tf) puts every original back. The monkey patches
// live here and nowhere else.
import { GroupedOptimizer, type GroupedOptimizerOptions } from './optimizer.js';
import type { GroupSpec } from './groups.js';
import { getRule, type RuleName } from './rules/index.js';
import { isSchedule, type LearningRate } from './schedules.js';
import { describeValue } from './checks.js';

/** The rules tfjs already has a factory for; adamw is added. */
const STOCK_FACTORIES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const;

type Factory = (...args: unknown[]) => unknown;
type TrainNamespace = Record<string, Factory | undefined>;
interface CompileArgs { optimizer?: unknown }
interface ModelPrototype { compile(args: CompileArgs): void }
/** The parts of a tfjs namespace (`@tensorflow/tfjs`, `-node`, `-core`) this file touches. */
export interface TfNamespace { train: unknown; LayersModel?: { prototype: unknown } }

interface Installed {
  factories: Map<string, Factory | undefined>;
  compile?: { proto: ModelPrototype; original: ModelPrototype['compile'] };
}
const installed = new WeakMap<object, Installed>();

/** Every trainable variable in one group: what a factory called with a rate and no groups optimizes. */
const ALL_VARIABLES: GroupSpec[] = [{ name: 'all', params: /(?:)/ }];

/**
 * A grouped optimizer from a factory's arguments: `(groups, lr?, ...stock positional args)` or
 * `(groups, {learningRate, ...options})`.
 */
export function groupedOptimizer(rule: RuleName, groups: readonly GroupSpec[], args: readonly unknown[]): GroupedOptimizer {
  const first = args[0];
  if (args.length === 1 && first !== null && typeof first === 'object' && !isSchedule(first)) {
    return new GroupedOptimizer(rule, groups, first as GroupedOptimizerOptions);
  }
  const positional = ['learningRate', ...getRule(rule).positional];
  if (args.length > positional.length) {
    throw new Error(`tf.train.${rule}(groups, ${positional.join(', ')}): got ${args.length} arguments after the groups`);
  }
  const options: GroupedOptimizerOptions = {};
  args.forEach((value, i) => { if (value !== undefined && value !== null) options[positional[i]!] = value; });
  return new GroupedOptimizer(rule, groups, options);
}

export function adamw(groupsOrLr?: unknown, ...rest: unknown[]): GroupedOptimizer {
  if (Array.isArray(groupsOrLr)) return groupedOptimizer('adamw', groupsOrLr, rest);
  return groupedOptimizer('adamw', ALL_VARIABLES, [groupsOrLr, ...rest]);
}

type Args = unknown[];
/** What install adds to tf.train, for TypeScript: use the namespace install returns. */
export interface GroupedFactories {
  sgd(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  momentum(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  adam(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  rmsprop(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  adagrad(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  adadelta(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  adamax(groups: readonly GroupSpec[], ...args: Args): GroupedOptimizer;
  adamw(groupsOrLr?: readonly GroupSpec[] | LearningRate, ...args: Args): GroupedOptimizer;
}
/**
 * tf with tf.train typed to take groups too. tfjs declares tf.train.adam(number) as a static
 * method, which no declaration merging can overload; so `const tfg = install(tf)` gives the typed view
 * (the same object at run time).
 */
export type InstalledTf<T extends TfNamespace> = T & { train: T['train'] & GroupedFactories };

export function install<T extends TfNamespace>(tf: T): InstalledTf<T> {
  const train = (tf as Partial<TfNamespace> | null | undefined)?.train as TrainNamespace | undefined;
  if ((typeof train !== 'function' && typeof train !== 'object') || train === null || typeof train.adam !== 'function') {
    throw new Error(`install(tf) expects the TensorFlow.js namespace (import * as tf from '@tensorflow/tfjs', '@tensorflow/tfjs-node' or '@tensorflow/tfjs-core'), with tf.train.adam; got ${describeValue(tf)}${tf && typeof tf === 'object' ? ` without it` : ''}`);
  }
  if (installed.has(train)) return tf as InstalledTf<T>;
  const record: Installed = { factories: new Map() };
  for (const rule of STOCK_FACTORIES) {
    const stock = train[rule];
    record.factories.set(rule, stock);
    train[rule] = function (this: unknown, first: unknown, ...rest: unknown[]) {
      if (Array.isArray(first)) return groupedOptimizer(rule, first, rest);
      // Stock tfjs takes only numbers: a schedule there would become NaN weights.
      if (isSchedule(first)) return groupedOptimizer(rule, ALL_VARIABLES, [first, ...rest]);
      if (!stock) throw new Error(`tf.train.${rule} is missing from this tfjs build`);
      return stock.call(this, first, ...rest);
    };
  }
  record.factories.set('adamw', train.adamw);
  train.adamw = adamw;
  const proto = tf.LayersModel?.prototype as ModelPrototype | undefined;
  if (proto && typeof proto.compile === 'function') {
    const original = proto.compile;
    proto.compile = function (this: ModelPrototype, args: CompileArgs) {
      // tfjs-layers maps optimizer strings through a private table that has no 'adamw'.
      if (typeof args?.optimizer === 'string' && args.optimizer.toLowerCase() === 'adamw') {
        args = { ...args, optimizer: adamw(getRule('adamw').compileLearningRate) };
      }
      return original.call(this, args);
    };
    record.compile = { proto, original };
  }
  installed.set(train, record);
  return tf as InstalledTf<T>;
}

export function uninstall<T extends TfNamespace>(tf: T): T {
  const train = tf.train as TrainNamespace;
  const record = installed.get(train);
  if (!record) return tf;
  for (const [name, original] of record.factories) {
    if (original === undefined) delete train[name];
    else train[name] = original;
  }
  if (record.compile) record.compile.proto.compile = record.compile.original;
  installed.delete(train);
  return tf;
}

export function isInstalled(tf: TfNamespace): boolean {
  return installed.has(tf.train as object);
}

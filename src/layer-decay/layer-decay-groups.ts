// layerDecayGroups: a model's parameters -> parameter groups for layer-wise learning-rate decay,
// ready for `new GroupedOptimizer('adamw', groups, ...)` or `tf.train.adamw(groups, lr)`.
//
// As MAE's param_groups_lrd (util/lr_decay.py): each trainable parameter gets a layer id (from a
// custom layerId, the rules, or the architecture's resolver, in that order) and the scale
// decay ** (numLayers - id); groups are keyed by (layer, decay / no decay), named
// `layer_3_decay` / `layer_3_no_decay`. Unlike it, groups whose settings end up identical (same
// lrScale and weightDecay: decay 1, minScale, freezeBelow, weightDecay 0) are merged, so that the
// optimizer runs as few groups as it can, and a name that fits no rule is reported, not silently
// given the top layer's scale (timm#2712).
import type { GroupSpec, ParamRef } from '../groups.js';
import { describeValue } from '../checks.js';
import { matchPattern, withoutUniqueSuffix } from '../variable-names.js';
import { checkDecay, checkNumLayers, layerScales } from './layer-scales.js';
import { noDecayVerdict, type NoDecayVerdict } from './no-weight-decay.js';
import { collectParams, type ParamInfo, type ParamSource, type SourceKind } from './param-source.js';
import { RESOLVERS, detectArch } from './resolvers/auto.js';
import {
  ARCH_NAMES, GRANULARITIES, type ArchContext, type ArchName, type ArchPlan, type Granularity, type LayerAssignment, type Resolver,
} from './resolvers/resolver.js';
import { groupName } from './group-names.js';
import { NAMED_ARCHS } from './resolvers/sequential.js';

export type ArchChoice = 'auto' | ArchName;

/** A rule's layer id: a number, 'top' (numLayers), or computed from the match (e.g. `(m) => +m[1] + 1`). */
export type RuleLayerId = number | 'top' | ((match: RegExpExecArray) => number | 'top');
/** Like timm's group matchers: the first rule whose pattern matches the name (as given, or canonical) gives the id. */
export type LayerRule = readonly [RegExp, RuleLayerId];

export interface LayerDecayOptions {
  /** The layer-wise decay, in (0, 1]: layer i gets decay ** (numLayers - i). */
  decay: number;
  /** Which rule gives layer ids ('auto': recognized from the names; the result says which). */
  arch?: ArchChoice;
  /** convnext, swin, resnet, efficientnet: one layer per block (default), per 3 blocks ('group'), or per stage. */
  granularity?: Granularity;
  /** The top layer's id; default: what the names imply (a ViT: blocks + 1). */
  numLayers?: number;
  /** A custom layer id for a name (as the source gives it); return null/undefined to leave it to the rules and the arch. */
  layerId?: (name: string, numLayers: number) => number | null | undefined;
  rules?: readonly LayerRule[];
  /** Weight decay of the decay groups; without it they take the optimizer's default. */
  weightDecay?: number;
  /**
   * Globs of names with no weight decay (`*` any run of characters), matched against each variable's
   * name and the name of the layer that holds it (a tfjs `pos_embed/embedding` is PyTorch's
   * `pos_embed`); default: the arch's own list (timm's no_weight_decay()).
   */
  noWeightDecay?: readonly string[];
  /** 1-D parameters (biases, norm scales) and scalars get no weight decay, as MAE/BEiT/timm. Default true. */
  excludeOneDim?: boolean;
  /** A floor for the scales. */
  minScale?: number;
  /** A layer whose scale is below this gets lrScale 0: its group is frozen. */
  freezeBelow?: number;
  /** Merge groups with identical settings (default true). */
  merge?: boolean;
  /** Names that fit no rule go to the top layer; 'warn' (default) says so, 'error' throws. */
  onUnmatched?: 'warn' | 'error';
  /** Where warnings go (default console.warn). */
  warn?: (message: string) => void;
}

/** How one parameter was placed. */
export interface ParamAssignment {
  name: string;
  canonicalName: string;
  shape: number[];
  size: number;
  trainable: boolean;
  layerId: number;
  /** decay ** (numLayers - layerId), before minScale / freezeBelow. */
  scale: number;
  lrScale: number;
  weightDecay: boolean;
  /** Why it has no weight decay (null: it has): 1-D, or the no-weight-decay list by variable or layer name. */
  noDecay: NoDecayVerdict | null;
  /** The layer that holds it (see ParamInfo.layer). */
  layer: string | null;
  /** What gave the id. */
  source: 'layerId' | 'rule' | 'arch' | 'unmatched';
  /** The group it is in; null for a parameter that is not trained. */
  group: string | null;
}

export interface LayerDecayGroup extends GroupSpec {
  name: string;
  params: ParamRef[];
  lrScale: number;
  /** Not enumerable: the layer ids, names and parameter count, for describeGroups. */
  readonly layerIds: readonly number[];
  readonly paramNames: readonly string[];
  readonly parameterCount: number;
}

/** The groups, with what was decided on the way (not enumerable, so the array stays plain GroupSpec[]). */
export interface LayerDecayGroups extends Array<LayerDecayGroup> {
  /** The architecture whose rule gave the layer ids (null: only rules / layerId). */
  readonly arch: ArchName | null;
  /** Why that one: given by the caller, or what 'auto' recognized. */
  readonly archReason: string;
  readonly numLayers: number;
  readonly decay: number;
  /** layerScales(numLayers, decay). */
  readonly scales: readonly number[];
  readonly assignments: readonly ParamAssignment[];
  /** Names that fit no rule (placed at the top layer, and listed by describeGroups). */
  readonly unmatched: readonly string[];
  readonly sourceKind: SourceKind;
}

const OPTION_KEYS = [
  'decay', 'arch', 'granularity', 'numLayers', 'layerId', 'rules', 'weightDecay', 'noWeightDecay',
  'excludeOneDim', 'minScale', 'freezeBelow', 'merge', 'onUnmatched', 'warn',
];

export function layerDecayGroups(source: ParamSource, options: LayerDecayOptions): LayerDecayGroups {
  const opts = checkOptions(options);
  const { kind, params, graph } = collectParams(source);
  const context: ArchContext = { params, graph, granularity: opts.granularity };
  const custom = opts.layerId !== undefined || opts.rules.length > 0;

  // 1. The architecture's plan.
  let resolver: Resolver | null = null;
  let archReason: string;
  if (opts.arch === 'auto') {
    const found = detectArch(context);
    if (!found && !custom) {
      const sample = params.slice(0, 5).map((p) => `'${p.name}'`).join(', ');
      throw new Error(`arch 'auto' recognized none of ${NAMED_ARCHS.join(', ')} in these names (first: ${sample}), and a list of variables has no graph for 'sequential'; pass arch, rules or layerId`);
    }
    resolver = found?.resolver ?? null;
    archReason = found ? `auto: ${found.reason}` : 'auto: no known architecture; rules / layerId only';
  } else {
    resolver = RESOLVERS[opts.arch];
    archReason = 'given';
  }
  const plan: ArchPlan | null = resolver ? resolver.plan(context) : null;
  if (plan) archReason += ` (${plan.detail})`;

  // 2. Layer ids.
  let numLayers = opts.numLayers ?? plan?.numLayers;
  if (opts.layerId && numLayers === undefined) {
    throw new Error('layerDecayGroups: a custom layerId needs numLayers (no architecture was recognized to infer it)');
  }
  const placed = params.map((p) => ({ param: p, ...placeParam(p, opts, plan, numLayers) }));
  if (numLayers === undefined) {
    // Rules only: the deepest id given, and one more when some name goes to 'top' (above them all).
    const numeric = placed.map((x) => x.id).filter((id): id is number => typeof id === 'number');
    if (numeric.length === 0) throw new Error('layerDecayGroups: cannot infer numLayers: no rule gave a numeric layer id; give numLayers');
    numLayers = Math.max(...numeric) + (placed.some((x) => typeof x.id !== 'number') ? 1 : 0);
  }
  const top = numLayers;
  for (const x of placed) {
    if (typeof x.id === 'number' && x.id > top) {
      const by = x.source === 'arch' ? `arch ${resolver!.arch}` : x.source === 'rule' ? 'a rule' : 'layerId';
      throw new Error(`numLayers ${top} is smaller than the deepest layer found: '${x.param.name}' is in layer ${x.id} (by ${by}); give numLayers >= ${x.id} or leave it out`);
    }
  }
  const unmatched = placed.filter((x) => x.source === 'unmatched').map((x) => x.param.name);
  if (unmatched.length > 0) {
    const where = resolver ? `arch ${resolver.arch}` : 'the rules';
    const list = unmatched.map((n) => `'${n}'`).join(', ');
    if (opts.onUnmatched === 'error') {
      throw new Error(`${unmatched.length} parameter name(s) fit no rule of ${where}: ${list}; give rules or layerId for them, or onUnmatched: 'warn' to put them in the top layer`);
    }
    opts.warn(`layerDecayGroups: ${unmatched.length} parameter name(s) fit no rule of ${where} and were put in the top layer (${top}, scale 1): ${list}`);
  }

  // 3. Scales and weight decay.
  const scales = layerScales(top, opts.decay);
  const noWeightDecay = opts.noWeightDecay ?? plan?.noWeightDecay ?? [];
  const assignments: ParamAssignment[] = placed.map(({ param, id, source }) => {
    const layerId = id === 'top' || id === null ? top : id;
    const scale = scales[layerId]!;
    const frozen = opts.freezeBelow !== undefined && scale < opts.freezeBelow;
    const noDecay = noDecayVerdict(param, noWeightDecay, opts.excludeOneDim);
    return {
      name: param.name, canonicalName: param.canonical, shape: param.shape, size: param.shape.reduce((a, b) => a * b, 1),
      trainable: isTrained(param), layerId, scale, lrScale: frozen ? 0 : Math.max(scale, opts.minScale ?? 0),
      weightDecay: noDecay === null, noDecay, layer: param.layer, source, group: null,
    };
  });

  // 4. Groups keyed by (layer, decay or not); then merged where the settings are the same.
  const groups = buildGroups(assignments, params, opts);
  if (groups.length === 0) throw new Error('layerDecayGroups: the source has no trainable float32 parameter');
  return Object.defineProperties(groups, {
    arch: { value: resolver?.arch ?? null },
    archReason: { value: archReason },
    numLayers: { value: top },
    decay: { value: opts.decay },
    scales: { value: scales },
    assignments: { value: assignments },
    unmatched: { value: unmatched },
    sourceKind: { value: kind },
  }) as LayerDecayGroups;
}

function placeParam(p: ParamInfo, opts: CheckedOptions, plan: ArchPlan | null, numLayers: number | undefined): { id: LayerAssignment; source: ParamAssignment['source'] } {
  if (opts.layerId) {
    const id = opts.layerId(p.name, numLayers!);
    if (id !== null && id !== undefined) return { id: checkId(id, numLayers!, `layerId('${p.name}', ${numLayers})`), source: 'layerId' };
  }
  for (const [index, [pattern, rule]] of opts.rules.entries()) {
    const m = matchPattern(pattern, p.name) ?? matchPattern(pattern, withoutUniqueSuffix(p.name)) ?? matchPattern(pattern, p.canonical);
    if (!m) continue;
    const id = typeof rule === 'function' ? rule(m) : rule;
    if (id === 'top') return { id, source: 'rule' };
    return { id: checkId(id, numLayers, `rule ${index} (${pattern}) for '${p.name}'`), source: 'rule' };
  }
  const id = plan?.layerIdOf(p) ?? null;
  return id === null ? { id: null, source: 'unmatched' } : { id, source: 'arch' };
}

function checkId(id: unknown, numLayers: number | undefined, what: string): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || (numLayers !== undefined && id > numLayers)) {
    const range = numLayers === undefined ? 'an integer >= 0' : `an integer from 0 to ${numLayers} (numLayers)`;
    throw new Error(`${what} returned ${describeValue(id)}: a layer id must be ${range}`);
  }
  return id;
}

function isTrained(p: ParamInfo) {
  return p.trainable && p.dtype === 'float32';
}

interface Bucket { layerIds: number[]; decay: boolean | null; lrScale: number; weightDecay: number | undefined; members: ParamAssignment[] }

function buildGroups(assignments: ParamAssignment[], params: readonly ParamInfo[], opts: CheckedOptions): LayerDecayGroup[] {
  const refOf = new Map(params.map((p) => [p.name, p.ref]));
  const buckets = new Map<string, Bucket>();
  for (const a of assignments) {
    if (!a.trainable) continue;
    const frozen = a.lrScale === 0;
    // A frozen layer's weight decay does nothing (the decay is scaled by the rate, 0): one group for all of them.
    const weightDecay = frozen || !a.weightDecay ? 0 : opts.weightDecay;
    const key = !opts.merge ? `${a.layerId}|${a.weightDecay}` : frozen ? 'frozen' : `${a.lrScale}|${weightDecay ?? 'default'}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { layerIds: [], decay: a.weightDecay, lrScale: a.lrScale, weightDecay, members: [] };
      buckets.set(key, bucket);
    }
    if (!bucket.layerIds.includes(a.layerId)) bucket.layerIds.push(a.layerId);
    if (bucket.decay !== a.weightDecay) bucket.decay = null;
    bucket.members.push(a);
  }
  const sorted = [...buckets.values()].sort((x, y) => Math.min(...x.layerIds) - Math.min(...y.layerIds) || Number(y.decay) - Number(x.decay));
  return sorted.map((b) => {
    const name = groupName(b.layerIds, b.decay, opts.merge && b.lrScale === 0);
    for (const m of b.members) m.group = name;
    const spec: Record<string, unknown> = { name, params: b.members.map((m) => refOf.get(m.name)!), lrScale: b.lrScale };
    if (b.weightDecay !== undefined) spec.weightDecay = b.weightDecay;
    return Object.defineProperties(spec, {
      layerIds: { value: [...b.layerIds].sort((x, y) => x - y) },
      paramNames: { value: b.members.map((m) => m.name) },
      parameterCount: { value: b.members.reduce((sum, m) => sum + m.size, 0) },
    }) as LayerDecayGroup;
  });
}

interface CheckedOptions {
  decay: number;
  arch: ArchChoice;
  granularity: Granularity;
  numLayers: number | undefined;
  layerId: LayerDecayOptions['layerId'];
  rules: readonly LayerRule[];
  weightDecay: number | undefined;
  noWeightDecay: readonly string[] | undefined;
  excludeOneDim: boolean;
  minScale: number | undefined;
  freezeBelow: number | undefined;
  merge: boolean;
  onUnmatched: 'warn' | 'error';
  warn: (message: string) => void;
}

function checkOptions(options: LayerDecayOptions): CheckedOptions {
  const where = 'layerDecayGroups';
  if (typeof options !== 'object' || options === null) throw new Error(`${where}: options {decay, ...} are required, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new Error(`${where}: unknown option '${key}'; known options: ${OPTION_KEYS.join(', ')}`);
  }
  const arch = options.arch ?? 'auto';
  if (arch !== 'auto' && !ARCH_NAMES.includes(arch)) throw new Error(`${where}: arch must be one of auto, ${ARCH_NAMES.join(', ')}; got ${describeValue(arch)}`);
  const granularity = options.granularity ?? 'block';
  if (!GRANULARITIES.includes(granularity)) throw new Error(`${where}: granularity must be one of ${GRANULARITIES.join(', ')}; got ${describeValue(granularity)}`);
  if (options.layerId !== undefined && typeof options.layerId !== 'function') throw new Error(`${where}: layerId must be a function (name, numLayers) => id, got ${describeValue(options.layerId)}`);
  const rules = options.rules ?? [];
  if (!Array.isArray(rules)) throw new Error(`${where}: rules must be a list of [RegExp, layerId] pairs, got ${describeValue(rules)}`);
  rules.forEach((rule, i) => {
    const ok = Array.isArray(rule) && rule[0] instanceof RegExp && (typeof rule[1] === 'number' || rule[1] === 'top' || typeof rule[1] === 'function');
    if (!ok) throw new Error(`${where}: rules[${i}] must be [RegExp, number | 'top' | (match) => id], got ${describeValue(rule)}`);
  });
  const noWeightDecay = options.noWeightDecay;
  if (noWeightDecay !== undefined && (!Array.isArray(noWeightDecay) || noWeightDecay.some((g) => typeof g !== 'string'))) {
    throw new Error(`${where}: noWeightDecay must be a list of glob strings, got ${describeValue(noWeightDecay)}`);
  }
  const onUnmatched = options.onUnmatched ?? 'warn';
  if (onUnmatched !== 'warn' && onUnmatched !== 'error') throw new Error(`${where}: onUnmatched must be 'warn' or 'error', got ${describeValue(onUnmatched)}`);
  return {
    decay: checkDecay(options.decay, where),
    arch,
    granularity,
    numLayers: options.numLayers === undefined ? undefined : checkNumLayers(options.numLayers, where),
    layerId: options.layerId,
    rules,
    weightDecay: optionalFraction(options.weightDecay, 'weightDecay', Infinity),
    noWeightDecay,
    excludeOneDim: options.excludeOneDim ?? true,
    minScale: optionalFraction(options.minScale, 'minScale', 1),
    freezeBelow: optionalFraction(options.freezeBelow, 'freezeBelow', 1),
    merge: options.merge ?? true,
    onUnmatched,
    warn: options.warn ?? ((m) => console.warn(m)),
  };
}

function optionalFraction(value: unknown, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new Error(`layerDecayGroups: ${name} must be a number from 0 to ${max === Infinity ? 'any finite value' : max}, got ${describeValue(value)}`);
  }
  return value;
}

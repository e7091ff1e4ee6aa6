// What layerDecayGroups reads: the parameters of a LayersModel, a list of variables, a
// {name: variable} map, parameter descriptions {name, shape}, or a saved model.json (its topology
// and weightsManifest; no weight files needed). Every kind becomes the same list of ParamInfo, plus
// the layer graph where the source has one.
import type * as tfc from '@tensorflow/tfjs-core';
import type { LayerVariableLike } from '../groups.js';
import { describeValue } from '../checks.js';
import { withoutUniqueSuffix } from '../variable-names.js';
import { canonicalName } from './names.js';
import {
  attachWeights, graphOfModel, graphOfTopology, isModelLike, layersOfWeights, weightTrainability, type LayerGraph,
} from './layer-graph.js';

export interface ParamInfo {
  /** The name as the source gives it: the variable's name, or the key of a {name: variable} map. */
  name: string;
  /** The dotted spelling every layer rule reads (see names.ts). */
  canonical: string;
  /**
   * The layer that holds it: from the model's graph where the source has one, else what the name
   * implies (tfjs names a weight `<layer>/<weight>`, PyTorch `<module>.<weight>`); null for a name
   * with no separator.
   */
  layer: string | null;
  shape: number[];
  dtype: string;
  /** Frozen and non-trainable variables count for depth but go in no group. */
  trainable: boolean;
  /** What a group's params get: the variable object, or its name where the source has none. */
  ref: tfc.Variable | LayerVariableLike | string;
}

/** A parameter known only by name and shape (params of the groups are then names). */
export interface ParamDescription { name: string; shape: readonly number[]; trainable?: boolean; dtype?: string }

/** The parts of a model.json (or of the ModelArtifacts a save handler gets) that are read. */
export interface ModelJsonLike {
  /** Optional in the type only because tf.io.ModelArtifacts declares it so; required here. */
  modelTopology?: unknown;
  weightsManifest?: ReadonlyArray<{ weights: ReadonlyArray<{ name: string; shape: readonly number[]; dtype?: string }> }>;
  weightSpecs?: ReadonlyArray<{ name: string; shape: readonly number[]; dtype?: string }>;
}

type VariableLike = tfc.Variable | LayerVariableLike;
export type ParamSource =
  | { readonly layers: readonly unknown[]; readonly weights: readonly unknown[] }
  | readonly (VariableLike | ParamDescription)[]
  | Readonly<Record<string, VariableLike>>
  | ModelJsonLike;

export type SourceKind = 'model' | 'variables' | 'map' | 'model.json';

export interface CollectedParams { kind: SourceKind; params: ParamInfo[]; graph: LayerGraph | null }

export function collectParams(source: unknown): CollectedParams {
  let collected: CollectedParams;
  if (isModelJson(source)) collected = fromModelJson(source);
  else if (isModelLike(source)) {
    const graph = graphOfModel(source);
    const layerOf = layersOfWeights(graph);
    collected = { kind: 'model', params: source.weights.map((w) => fromVariable(w, w.name, layerOf.get(w.name))), graph };
  }
  else if (Array.isArray(source)) collected = { kind: 'variables', params: source.map((item, i) => fromListItem(item, i)), graph: null };
  else if (typeof source === 'object' && source !== null && Object.values(source).every(isVariableLike)) {
    collected = { kind: 'map', params: Object.entries(source).map(([name, v]) => fromVariable(v as VariableLike, name)), graph: null };
  } else {
    throw new Error(`layerDecayGroups: source must be a LayersModel, a list of variables (or {name, shape} descriptions), a {name: variable} map, or a model.json object; got ${describeValue(source)}`);
  }
  if (collected.params.length === 0) throw new Error('layerDecayGroups: the source has no parameters');
  const seen = new Set<string>();
  for (const p of collected.params) {
    if (seen.has(p.name)) throw new Error(`layerDecayGroups: two parameters are named '${p.name}'; names must be unique`);
    seen.add(p.name);
  }
  return collected;
}

function fromListItem(item: unknown, index: number): ParamInfo {
  if (isVariableLike(item)) return fromVariable(item, item.name);
  const d = item as ParamDescription;
  if (typeof d === 'object' && d !== null && typeof d.name === 'string' && Array.isArray(d.shape)) {
    return {
      name: d.name, canonical: canonicalName(d.name), layer: layerInName(d.name), shape: [...d.shape], dtype: d.dtype ?? 'float32',
      trainable: d.trainable ?? true, ref: d.name,
    };
  }
  throw new Error(`layerDecayGroups: source[${index}] is ${describeValue(item)}, not a tf.Variable, a LayerVariable or a {name, shape} description`);
}

function fromVariable(v: VariableLike, name: string, layer?: string): ParamInfo {
  const shape = [...(v as { shape: number[] }).shape];
  const dtype = (v as { dtype: string }).dtype;
  return { name, canonical: canonicalName(name), layer: layer ?? layerInName(name), shape, dtype, trainable: v.trainable, ref: v };
}

/** `conv1_bn/gamma_1` -> `conv1_bn`; `blocks.0.norm1.weight` -> `blocks.0.norm1`; `cls_token` -> null. */
function layerInName(name: string): string | null {
  const bare = withoutUniqueSuffix(name);
  const cut = Math.max(bare.lastIndexOf('/'), bare.lastIndexOf('.'));
  return cut > 0 ? bare.slice(0, cut) : null;
}

function fromModelJson(json: ModelJsonLike): CollectedParams {
  const specs = json.weightsManifest ? json.weightsManifest.flatMap((group) => group.weights) : (json.weightSpecs ?? []);
  const graph = graphOfTopology(json.modelTopology);
  attachWeights(graph, specs.map((s) => s.name));
  const trainable = weightTrainability(graph);
  const layerOf = layersOfWeights(graph);
  const params = specs.map((s) => ({
    name: s.name, canonical: canonicalName(s.name), layer: layerOf.get(s.name) ?? layerInName(s.name), shape: [...s.shape], dtype: s.dtype ?? 'float32',
    trainable: trainable.get(s.name) ?? true, ref: s.name,
  }));
  return { kind: 'model.json', params, graph };
}

function isModelJson(x: unknown): x is ModelJsonLike {
  return typeof x === 'object' && x !== null && (x as ModelJsonLike).modelTopology != null && ('weightsManifest' in x || 'weightSpecs' in x);
}

function isVariableLike(x: unknown): x is VariableLike {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  return typeof v.name === 'string' && Array.isArray(v.shape) && 'trainable' in v && (typeof v.read === 'function' || typeof v.assign === 'function');
}

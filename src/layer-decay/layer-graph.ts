// The layer graph of a model, reduced to what depth needs: each layer's inputs, its weights, and
// the graph of a nested model. Built from a LayersModel in memory or from a saved model.json
// topology, so that the 'sequential' resolver and the inspect command count depth the same way.
//
// Depth counts layers that hold weights along the longest path from an input. Frozen layers count
// like any other (their weights are only left out of the groups), so freezing a layer never moves
// the scale of the layers above it (timm#2691 is that bug).
import type { LayerVariableLike } from '../groups.js';

export interface GraphLayer {
  name: string;
  /** Names of the layers (in the same graph) that feed this one. */
  inbound: string[];
  /** Names of the variables of this layer (none for a nested model: see children). */
  weights: string[];
  /** False when the layer (or a model around it) is frozen. */
  trainable: boolean;
  children: LayerGraph | null;
}

export interface LayerGraph { layers: GraphLayer[] }

/** A tfjs-layers Layer as far as the graph needs it (duck-typed: no runtime import of tfjs-layers). */
export interface LayerNodeLike {
  readonly name: string;
  readonly weights: readonly LayerVariableLike[];
  trainable: boolean;
  readonly inboundNodes: ReadonlyArray<{ readonly inboundLayers: ReadonlyArray<{ readonly name: string }> }>;
}
/** A tfjs-layers LayersModel (or Sequential) as far as this module needs it. */
export interface ModelLike extends LayerNodeLike { readonly layers: readonly LayerNodeLike[] }

export function isModelLike(x: unknown): x is ModelLike {
  return typeof x === 'object' && x !== null && Array.isArray((x as ModelLike).layers) && Array.isArray((x as ModelLike).weights);
}

export function graphOfModel(model: ModelLike): LayerGraph {
  const ownerOf = ownersOfLayers(model);
  return {
    layers: model.layers.map((layer) => {
      // A layer's inbound nodes include those of other models it is used in: keep this model's. An
      // inbound layer inside a nested model stands for that model: a Sequential whose first layer is a
      // model reuses that model's output tensor, so the next layer's inbound layer is the nested
      // model's last layer, not the nested model (the usual tf.sequential([backbone, head])).
      const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => ownerOf.get(l.name)))
        .filter((n): n is string => n !== undefined && n !== layer.name);
      const nested = isModelLike(layer);
      return {
        name: layer.name,
        inbound: [...new Set(inbound)],
        weights: nested ? [] : layer.weights.map((w) => w.name),
        trainable: layer.trainable,
        children: nested ? graphOfModel(layer) : null,
      };
    }),
  };
}

/** Every layer name inside the model, nested models' layers at any depth included -> the model's own layer that holds it. */
function ownersOfLayers(model: ModelLike): Map<string, string> {
  const ownerOf = new Map<string, string>();
  const claim = (inner: LayerNodeLike, owner: string) => {
    if (!ownerOf.has(inner.name)) ownerOf.set(inner.name, owner);
    if (isModelLike(inner)) inner.layers.forEach((l) => claim(l, owner));
  };
  for (const layer of model.layers) ownerOf.set(layer.name, layer.name); // the model's own layers first
  for (const layer of model.layers) claim(layer, layer.name);
  return ownerOf;
}

// ---- saved topology (model.json) ----

interface KerasLayerJson { class_name?: string; name?: string; config?: Record<string, unknown>; inbound_nodes?: unknown }
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** The graph of a model.json `modelTopology` (tfjs writes {class_name, config}; Keras' converter wraps it in model_config). */
export function graphOfTopology(modelTopology: unknown): LayerGraph {
  const root = (modelTopology as { model_config?: unknown })?.model_config ?? modelTopology;
  const cls = (root as KerasLayerJson)?.class_name;
  if (typeof cls !== 'string' || !MODEL_CLASSES.has(cls)) {
    throw new Error(`model.json: modelTopology is not a Keras/tfjs-layers model (class_name ${JSON.stringify(cls)}); a graph model (tf.loadGraphModel) has no layers to decay`);
  }
  return graphOfModelJson(root as KerasLayerJson, true);
}

function graphOfModelJson(model: KerasLayerJson, parentTrainable: boolean): LayerGraph {
  const config = model.config as unknown;
  const list = (Array.isArray(config) ? config : (config as { layers?: unknown })?.layers) as KerasLayerJson[] | undefined;
  if (!Array.isArray(list)) throw new Error(`model.json: model '${model.name ?? '?'}' has no layer list`);
  const sequential = model.class_name === 'Sequential';
  const layers: GraphLayer[] = [];
  list.forEach((layer, i) => {
    const name = String(layer.config?.name ?? layer.name ?? `${layer.class_name}_${i}`);
    const trainable = parentTrainable && layer.config?.trainable !== false;
    const nested = MODEL_CLASSES.has(layer.class_name ?? '') && layer.config !== undefined && 'layers' in layer.config;
    layers.push({
      name,
      // A Sequential config lists layers in order with no inbound nodes: each feeds the next.
      inbound: sequential ? (i > 0 ? [layers[i - 1]!.name] : []) : layerRefs(layer.inbound_nodes),
      weights: [],
      trainable,
      children: nested ? graphOfModelJson(layer, trainable) : null,
    });
  });
  return { layers };
}

/**
 * Layer names referenced by `inbound_nodes`, in either Keras format: Keras 2 / tfjs
 * `[[[name, nodeIndex, tensorIndex, kwargs], ...]]`, Keras 3 `{args: [{config: {keras_history: [name, 0, 0]}}]}`.
 * Both spell a reference as an array starting with a name and a node index.
 */
function layerRefs(nodes: unknown): string[] {
  const names = new Set<string>();
  const walk = (x: unknown) => {
    if (Array.isArray(x)) {
      if (typeof x[0] === 'string' && typeof x[1] === 'number') names.add(x[0]);
      else x.forEach(walk);
    } else if (typeof x === 'object' && x !== null) {
      Object.values(x).forEach(walk);
    }
  };
  walk(nodes);
  return [...names];
}

/**
 * Puts each saved weight under its layer: tfjs-layers names a weight `<layer name>/<weight>`, so the
 * layer is the one with the longest name that prefixes it. Returns the weights no layer claims.
 */
export function attachWeights(graph: LayerGraph, weightNames: readonly string[]): string[] {
  const all: GraphLayer[] = [];
  const collect = (g: LayerGraph) => g.layers.forEach((l) => (l.children ? collect(l.children) : all.push(l)));
  collect(graph);
  const orphans: string[] = [];
  for (const w of weightNames) {
    let owner: GraphLayer | undefined;
    for (const l of all) {
      if ((w === l.name || w.startsWith(`${l.name}/`)) && (!owner || l.name.length > owner.name.length)) owner = l;
    }
    if (owner) owner.weights.push(w);
    else orphans.push(w);
  }
  return orphans;
}

/** The layer that holds each weight, by weight name (layers of nested models included). */
export function layersOfWeights(graph: LayerGraph): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (g: LayerGraph) => {
    for (const l of g.layers) {
      if (l.children) walk(l.children);
      for (const w of l.weights) out.set(w, l.name);
    }
  };
  walk(graph);
  return out;
}

/** Trainability of each weight as the topology says it (frozen layers, and BatchNorm's moving statistics). */
export function weightTrainability(graph: LayerGraph): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const walk = (g: LayerGraph) => {
    for (const l of g.layers) {
      if (l.children) walk(l.children);
      for (const w of l.weights) out.set(w, l.trainable && !/moving_(mean|variance)$/.test(w));
    }
  };
  walk(graph);
  return out;
}

export interface GraphDepths {
  /** Depth (0 = first layer with weights) of each weight, by weight name. */
  depthOf: Map<string, number>;
  /** The deepest depth (-1 when no layer has weights). */
  maxDepth: number;
}

export function weightDepths(graph: LayerGraph): GraphDepths {
  const depthOf = new Map<string, number>();
  let maxDepth = -1;
  // Returns the first free depth after the whole graph, starting at `start`.
  const walk = (g: LayerGraph, start: number): number => {
    const byName = new Map(g.layers.map((l) => [l.name, l]));
    const endOf = new Map<string, number>();
    const end = (layer: GraphLayer, visiting: Set<string>): number => {
      const known = endOf.get(layer.name);
      if (known !== undefined) return known;
      if (visiting.has(layer.name)) throw new Error(`the model's graph has a cycle through layer '${layer.name}'`);
      visiting.add(layer.name);
      let begin = start;
      for (const name of layer.inbound) {
        const source = byName.get(name);
        if (source) begin = Math.max(begin, end(source, visiting));
      }
      let after = begin;
      if (layer.children) {
        after = walk(layer.children, begin);
      } else if (layer.weights.length > 0) {
        for (const w of layer.weights) depthOf.set(w, begin);
        maxDepth = Math.max(maxDepth, begin);
        after = begin + 1;
      }
      endOf.set(layer.name, after);
      return after;
    };
    let last = start;
    for (const layer of g.layers) last = Math.max(last, end(layer, new Set()));
    return last;
  };
  walk(graph, 0);
  return { depthOf, maxDepth };
}

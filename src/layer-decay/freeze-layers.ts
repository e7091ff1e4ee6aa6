// Freezing by layer id, next to layerDecayGroups, and gradual unfreezing in model.fit (fastai's
// freeze_to, ULMFiT). What "frozen" means here, and why each part is needed in tfjs 4.22:
//   - a frozen variable is not trainable (its layer's trainable false, or the LayerVariable's when only
//     part of a layer is frozen): it is not among the model's trainableWeights and tfjs's variableGrads
//     drops it, so no gradient is computed for it at all;
//   - model.compile captured the trainable weights (collectedTrainableWeights, which fit's train
//     function reads every batch); every change here refreshes that list, as compile would, so that
//     an unfrozen variable trains from the next batch without compiling again;
//   - tfjs's BatchNormalization updates its moving statistics whenever it is called with training
//     true, whatever `trainable` says: each BatchNormalization layer of the model gets its `call`
//     wrapped once so that, while it is frozen (its weights frozen, or layer.trainable false), it runs
//     in inference mode (Keras's rule for a BatchNormalization with trainable false);
//   - the optimizer keeps its state by variable name, and a frozen variable stays in its parameter
//     group (src/frozen.ts), so unfreezing continues with the group's scale and the state it had.
import { describeValue } from '../checks.js';
import { markFrozen } from '../frozen.js';

/** A tfjs-layers LayerVariable, as far as freezing needs it. */
interface LayerVariableLike { readonly name: string; trainable: boolean }
/** A tfjs-layers Layer or LayersModel, as far as freezing needs it. */
interface LayerLike {
  readonly name: string;
  trainable: boolean;
  readonly weights: readonly LayerVariableLike[];
  readonly layers?: readonly LayerLike[];
  getClassName(): string;
  call(inputs: unknown, kwargs: Record<string, unknown>): unknown;
}
/** What freezing reads from layerDecayGroups' result: each parameter's layer id. */
export interface LayerIds { readonly numLayers: number; readonly assignments: ReadonlyArray<{ readonly name: string; readonly layerId: number; readonly trainable: boolean }> }

export interface FreezeResult {
  /** Layer ids below this are frozen. */
  readonly below: number;
  /** Names of the variables frozen now, and of those trainable now, among the ones freezing manages. */
  readonly frozen: string[];
  readonly trainable: string[];
}

const INFERENCE_WHEN_FROZEN = Symbol('tfjs-layer-decay: BatchNormalization keeps its statistics while frozen');
/** Variables a model's freezing manages: trainable when first seen by freezeLayers. */
const managed = new WeakMap<object, Set<LayerVariableLike>>();

/**
 * fastai's freeze_to(below): the parameters whose layer id (from `layerDecayGroups(model, ...)`) is
 * below `below` are frozen, the others trainable again; `below` 0 unfreezes all, `numLayers` leaves
 * only the top layer (the head) training. Call layerDecayGroups before freezing: it leaves frozen
 * parameters out of its groups. Returns what is frozen now.
 */
export function freezeLayers(model: unknown, layerIds: LayerIds, below: number): FreezeResult {
  const m = checkModel(model);
  if (!layerIds || !Array.isArray(layerIds.assignments) || typeof layerIds.numLayers !== 'number') {
    throw new Error(`freezeLayers: expected the result of layerDecayGroups(model, ...) (its assignments give each parameter's layer id), got ${describeValue(layerIds)}`);
  }
  if (typeof below !== 'number' || !Number.isInteger(below) || below < 0 || below > layerIds.numLayers + 1) {
    throw new Error(`freezeLayers: below must be an integer in [0, ${layerIds.numLayers + 1}] (layer ids go 0..${layerIds.numLayers}), got ${describeValue(below)}`);
  }
  const idOf = new Map(layerIds.assignments.map((a) => [a.name, a.layerId]));
  let variables = managed.get(m);
  if (!variables) managed.set(m, (variables = new Set()));
  for (const w of m.weights) if (w.trainable && idOf.has(w.name)) variables.add(w);
  const missing = [...variables].filter((w) => !idOf.has(w.name)).map((w) => w.name);
  if (missing.length > 0) throw new Error(`freezeLayers: these parameters have no layer id in the given groups (groups of another model?): ${missing.slice(0, 5).join(', ')}`);
  const result: FreezeResult = { below, frozen: [], trainable: [] };
  const isFrozen = (w: LayerVariableLike) => idOf.get(w.name)! < below;
  for (const w of variables) {
    markFrozen(w, isFrozen(w));
    (isFrozen(w) ? result.frozen : result.trainable).push(w.name);
  }
  for (const layer of layersOf(m)) {
    if (layer.layers) continue;
    const own = layer.weights.filter((w) => variables.has(w));
    if (own.length === 0) continue;
    // A layer all frozen is frozen as a layer: Sequential.compile rebuilds its inner model and sets
    // every variable trainable again, but a layer with trainable false gives no trainable weights.
    layer.trainable = !own.every(isFrozen);
    if (layer.trainable) for (const w of own) w.trainable = !isFrozen(w);
  }
  for (const layer of layersOf(m)) if (layer.getClassName() === 'BatchNormalization') keepStatisticsWhileFrozen(layer, variables);
  refreshCompiledWeights(m);
  return result;
}

export interface UnfreezeOptions {
  /** Unfreeze one more layer id from the top every this many epochs. */
  every: number;
  /** The `below` of the first epoch (default numLayers: only the top layer trains at first). */
  from?: number;
  /** Called after each change with what is frozen now (for logging). */
  onUnfreeze?: (state: FreezeResult, epoch: number) => void;
}

/**
 * A model.fit callback for gradual unfreezing (ULMFiT): at the start of epoch e it calls
 * freezeLayers(model, layerIds, max(0, from − floor(e / every))), so the top layer trains alone
 * first and one more layer id joins every `every` epochs. The optimizer's state is kept by name.
 */
export function unfreezeCallback(model: unknown, layerIds: LayerIds, options: UnfreezeOptions): { onEpochBegin(epoch: number): Promise<void> } {
  checkModel(model);
  const every = options?.every;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1) throw new Error(`unfreezeCallback: every must be an integer >= 1 (epochs), got ${describeValue(every)}`);
  const from = options.from ?? layerIds?.numLayers;
  let current: number | null = null;
  return {
    async onEpochBegin(epoch: number) {
      const below = Math.max(0, from - Math.floor(epoch / every));
      if (below === current) return;
      const state = freezeLayers(model, layerIds, below);
      current = below;
      options.onUnfreeze?.(state, epoch);
    },
  };
}

function checkModel(model: unknown): LayerLike {
  const m = model as LayerLike;
  if (typeof model !== 'object' || model === null || !Array.isArray(m.weights) || !Array.isArray(m.layers)) {
    throw new Error(`freezing needs a tfjs LayersModel (model.layers and model.weights), got ${describeValue(model)}`);
  }
  return m;
}

function layersOf(layer: LayerLike): LayerLike[] {
  return (layer.layers ?? []).flatMap((l) => [l, ...layersOf(l)]);
}

/** Wraps the layer's call once: while the layer is frozen it is called with training false. */
function keepStatisticsWhileFrozen(layer: LayerLike, variables: ReadonlySet<LayerVariableLike>) {
  const wrapped = layer as LayerLike & { [INFERENCE_WHEN_FROZEN]?: true };
  if (wrapped[INFERENCE_WHEN_FROZEN]) return;
  const own = layer.weights.filter((w) => variables.has(w));
  const isFrozen = () => !layer.trainable || (own.length > 0 && own.every((w) => !w.trainable));
  const call = layer.call;
  layer.call = function (this: LayerLike, inputs: unknown, kwargs: Record<string, unknown>) {
    return call.call(this, inputs, isFrozen() ? { ...kwargs, training: false } : kwargs);
  };
  wrapped[INFERENCE_WHEN_FROZEN] = true;
}

/**
 * What model.compile does last (collectedTrainableWeights = trainableWeights), for a compiled model;
 * a Sequential keeps it on its inner LayersModel (`model.model`).
 */
function refreshCompiledWeights(model: LayerLike) {
  type Compiled = { collectedTrainableWeights?: unknown; trainableWeights: unknown; model?: Compiled };
  for (const compiled of [model as unknown as Compiled, (model as unknown as Compiled).model]) {
    if (compiled?.collectedTrainableWeights != null) compiled.collectedTrainableWeights = compiled.trainableWeights;
  }
}

// Which layer groups a fine-tuning has moved: the model's variables are copied at the start, by
// layerDecayGroups' layer id, and compared bit for bit after each epoch, the trained weights apart
// from the BatchNormalization moving statistics (which no gradient moves: tfjs updates them whenever
// a BatchNormalization runs in training mode, unless freezeLayers has it run in inference mode).
// This checks on the tensors what freezing promises, instead of trusting the `trainable` flags.
import type * as tf from '@tensorflow/tfjs';
import type { LayerIds } from '../../src/index.js';

export interface LayerState {
  layerId: number;
  /** 'stem', 'block N' or 'head'. */
  name: string;
  /** Its weights (kernels, BatchNormalization gamma and beta, biases) equal those at the start. */
  weightsUnchanged: boolean;
  /** Its BatchNormalization moving means and variances equal those at the start; null if it has none. */
  statisticsUnchanged: boolean | null;
}

/** The MobileNet's layer ids in words: stem 0, block N → N, the new head at the top. */
export function layerGroupName(layerId: number, numLayers: number): string {
  return layerId === 0 ? 'stem' : layerId === numLayers ? 'head' : `block ${layerId}`;
}

const isMovingStatistic = (name: string) => /\/moving_(mean|variance)(_\d+)?$/.test(name);
const layerOf = (variableName: string) => variableName.slice(0, variableName.lastIndexOf('/'));

/** The model's variables as they are now; `compare()` says, per layer id, which of them have moved since. */
export async function startingPoint(model: tf.LayersModel, layerIds: LayerIds): Promise<{ compare(): Promise<LayerState[]> }> {
  // A moving statistic has no layer id of its own (it is not trained): it takes its layer's.
  const idOfLayer = new Map(layerIds.assignments.map((a) => [layerOf(a.name), a.layerId]));
  const tracked = await Promise.all(model.weights.map(async (variable) => {
    const layerId = idOfLayer.get(layerOf(variable.name));
    if (layerId === undefined) throw new Error(`no layer id for ${variable.name}`);
    return { variable, layerId, statistic: isMovingStatistic(variable.name), bits: await bitsOf(variable) };
  }));
  return {
    async compare() {
      const moved = await Promise.all(tracked.map(async (t) => !sameBits(await bitsOf(t.variable), t.bits)));
      const unchanged = (layerId: number, statistic: boolean) => tracked.every((t, i) => t.layerId !== layerId || t.statistic !== statistic || !moved[i]);
      return Array.from({ length: layerIds.numLayers + 1 }, (_, layerId) => ({
        layerId,
        name: layerGroupName(layerId, layerIds.numLayers),
        weightsUnchanged: unchanged(layerId, false),
        statisticsUnchanged: tracked.some((t) => t.layerId === layerId && t.statistic) ? unchanged(layerId, true) : null,
      }));
    },
  };
}

/** The float32 values as their bit patterns: -0 and 0 differ, as a bit-for-bit comparison must say. */
async function bitsOf(variable: tf.LayersModel['weights'][number]): Promise<Uint32Array> {
  // data(), not dataSync(): the webgpu backend cannot read synchronously in Node.
  const values = (await variable.read().data()) as Float32Array;
  return new Uint32Array(values.slice().buffer);
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

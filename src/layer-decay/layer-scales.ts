// The per-layer learning-rate scales of layer-wise decay, exactly as OneFlow's note and
// MAE (util/lr_decay.py) write them:
//   layer_scales = [layer_decay ** (num_layers - i) for i in range(num_layers + 1)]
// Layer 0 (the embeddings) gets decay ** numLayers, the top layer (numLayers: final norm, head)
// gets 1. For a ViT numLayers = blocks + 1.
import { describeValue } from '../groups.js';

/** numLayers + 1 scales; scales[i] = decay ** (numLayers - i); the last one is 1. */
export function layerScales(numLayers: number, decay: number): number[] {
  checkNumLayers(numLayers, 'layerScales');
  checkDecay(decay, 'layerScales');
  return Array.from({ length: numLayers + 1 }, (_, i) => decay ** (numLayers - i));
}

/** decay must lie in (0, 1]: 1 turns the decay off, 0 would freeze every layer but the top. */
export function checkDecay(decay: unknown, where: string): number {
  if (typeof decay !== 'number' || !Number.isFinite(decay) || decay <= 0 || decay > 1) {
    throw new Error(`${where}: decay must be a number in (0, 1] (e.g. 0.75), got ${describeValue(decay)}`);
  }
  return decay;
}

export function checkNumLayers(numLayers: unknown, where: string): number {
  if (typeof numLayers !== 'number' || !Number.isInteger(numLayers) || numLayers < 0) {
    throw new Error(`${where}: numLayers must be an integer >= 0 (the id of the top layer), got ${describeValue(numLayers)}`);
  }
  return numLayers;
}

// The variables freezeLayers (src/layer-decay/freeze-layers.ts) has frozen. A frozen variable is not
// trainable, so tfjs computes no gradient for it; it still belongs to the parameter group it was
// given to (groups.ts asks here), so that unfreezing it later finds its group, scale and state.

const frozen = new WeakSet<object>();

export function markFrozen(layerVariable: object, isFrozen: boolean): void {
  if (isFrozen) frozen.add(layerVariable);
  else frozen.delete(layerVariable);
}

export function isFrozenByFreezeLayers(layerVariable: unknown): boolean {
  return typeof layerVariable === 'object' && layerVariable !== null && frozen.has(layerVariable);
}

// Group names, as MAE spells them (`layer_3_decay`, `layer_3_no_decay`), extended to merged groups:
// `layers_0-2_decay` for a run of layers, `layers_0-2,5_decay` otherwise, no suffix when both kinds
// share the group, `_frozen` for the group of parameters with lrScale 0.
export function groupName(layerIds: readonly number[], decay: boolean | null, frozen: boolean): string {
  const ids = [...layerIds].sort((a, b) => a - b);
  const layers = ids.length === 1 ? `layer_${ids[0]}` : `layers_${ranges(ids)}`;
  if (frozen) return `${layers}_frozen`;
  return decay === null ? layers : `${layers}_${decay ? 'decay' : 'no_decay'}`;
}

/** [0, 1, 2, 5, 7, 8] -> '0-2,5,7-8'. */
export function ranges(ids: readonly number[]): string {
  const parts: string[] = [];
  let start = ids[0]!;
  let prev = start;
  for (const id of [...ids.slice(1), NaN]) {
    if (id === prev + 1) { prev = id; continue; }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = id;
    prev = id;
  }
  return parts.join(',');
}

// Which parameters get no weight decay, and why, as MAE's param_groups_lrd (util/lr_decay.py) decides:
//   if p.ndim == 1 or n in no_weight_decay_list: g_decay = "no_decay"; this_decay = 0.
// PyTorch names a model-level token `pos_embed` or `cls_token`; in tfjs such a token is a layer's
// weight (`pos_embed/embedding`, `cls_token/token` from a custom layer's addWeight in build()), so a
// name in the list matches the variable's name or the name of the layer that holds it.
import { matchesAnyGlob } from './glob.js';
import { canonicalLayerName } from './names.js';
import type { ParamInfo } from './param-source.js';

/** Why a parameter has no weight decay: 1-D (or a scalar), or a glob of the list matched its variable name or its layer name. */
export type NoDecayReason = 'one-dim' | 'variable-name' | 'layer-name';

export interface NoDecayVerdict {
  reason: NoDecayReason;
  /** The glob of the no-weight-decay list that matched; null for 'one-dim'. */
  glob: string | null;
}

/** null: the parameter gets weight decay. The reasons are tried in MAE's order (1-D first). */
export function noDecayVerdict(param: ParamInfo, globs: readonly string[], excludeOneDim: boolean): NoDecayVerdict | null {
  if (excludeOneDim && param.shape.length <= 1) return { reason: 'one-dim', glob: null };
  const byName = matchesAnyGlob(globs, [param.name, param.canonical]);
  if (byName !== undefined) return { reason: 'variable-name', glob: byName };
  if (param.layer !== null) {
    const byLayer = matchesAnyGlob(globs, [param.layer, canonicalLayerName(param.layer)]);
    if (byLayer !== undefined) return { reason: 'layer-name', glob: byLayer };
  }
  return null;
}

/** One line of text: `1-D`, `variable name matches 'cls_token'`, `layer 'pos_embed' matches 'pos_embed'`. */
export function describeVerdict(verdict: NoDecayVerdict, layer: string | null): string {
  switch (verdict.reason) {
    case 'one-dim': return '1-D';
    case 'variable-name': return `variable name matches '${verdict.glob}'`;
    case 'layer-name': return `layer '${layer}' matches '${verdict.glob}'`;
  }
}

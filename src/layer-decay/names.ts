// One spelling for parameter names, so that every layer rule is written once.
//
// PyTorch (timm, MAE, BEiT, HF) names a parameter `blocks.3.attn.qkv.weight`; tfjs-layers names the
// same variable `blocks_3/attn/qkv/kernel`, and `blocks_3/attn/qkv/kernel_1` when the name was
// already taken in the process (a model loaded a second time). The canonical form is the dotted
// one: the reload suffix is dropped, `/` becomes `.`, and a segment ending in `_<digits>` is split
// into its stem and the number(s) (`blocks_3` -> `blocks.3`, `stages_0_1` -> `stages.0.1`).
import { withoutUniqueSuffix } from '../variable-names.js';

const NUMBERED_SEGMENT = /^([A-Za-z][\w-]*?)((?:_\d+)+)$/;

export function canonicalName(name: string): string {
  return dottedName(withoutUniqueSuffix(name));
}

/** A layer's name in the same dotted spelling (a layer name has no reload suffix to drop: `blocks_1` -> `blocks.1`). */
export function canonicalLayerName(layer: string): string {
  return dottedName(layer);
}

function dottedName(name: string): string {
  const out: string[] = [];
  for (const segment of name.split(/[/.]/)) {
    const numbered = NUMBERED_SEGMENT.exec(segment);
    if (numbered) out.push(numbered[1]!, ...numbered[2]!.slice(1).split('_'));
    else out.push(segment);
  }
  return out.join('.');
}

/**
 * A pattern that matches `body` at the start of a canonical name, after any prefix of plain
 * (non-numeric) segments: `blocks\.(\d+)` matches `blocks.3.x` and `backbone.blocks.3.x`, but not
 * `layers.0.blocks.3.x` (a Swin block) nor `decoder_blocks.3.x`.
 */
export function segmentPattern(body: string): RegExp {
  return new RegExp(`^(?:[A-Za-z_][\\w-]*\\.)*?${body}(?:\\.|$)`);
}

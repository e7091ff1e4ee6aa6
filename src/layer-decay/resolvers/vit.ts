// ViT layer ids, following MAE util/lr_decay.py get_layer_id_for_vit (itself BEiT's
// get_num_layer_for_vit, beit/optim_factory.py):
//   name in ['cls_token', 'pos_embed'] -> 0;  name.startswith('patch_embed') -> 0
//   name.startswith('blocks') -> int(name.split('.')[1]) + 1;  else -> num_layers (= len(blocks) + 1)
// The else branch is split here: the names the reference meant for it (final norm, head) go to the
// top; any other name is reported as unmatched instead of joining the top unseen. DeiT's
// distillation token and head, absent from MAE's models, go where timm puts them: dist_token in the
// stem (deit.py group_matcher), head_dist at the top with the head.
// Weight decay: MAE's main_finetune passes timm's VisionTransformer.no_weight_decay(),
// {'pos_embed', 'cls_token', 'dist_token'}, as no_weight_decay_list.
import { segmentPattern } from '../names.js';
import { archMismatch, matchNumbers, type ArchContext, type ArchName, type ArchPlan, type LayerAssignment, type Resolver } from './resolver.js';
import type { ParamInfo } from '../param-source.js';

export const VIT_BLOCK = segmentPattern('blocks\\.(\\d+)');
const VIT_STEM = segmentPattern('(?:cls_token|pos_embed|dist_token|patch_embed[\\w-]*)');
const VIT_TOP = segmentPattern('(?:norm|fc_norm|head|head_dist|pre_logits)');

/** How a ViT-like architecture differs from MAE's rule: extra names at layer 0 and at the top. */
export interface VitVariant {
  arch: ArchName;
  reference: string;
  extraStem: RegExp | null;
  extraTop: RegExp | null;
  noWeightDecay: readonly string[];
  /** Names that tell this variant apart in 'auto' (null: none needed). */
  marker: RegExp | null;
  markerText: string;
}

export function vitLikeResolver(variant: VitVariant): Resolver {
  const stemOrTop = (p: ParamInfo): LayerAssignment => {
    if (VIT_STEM.test(p.canonical) || variant.extraStem?.test(p.canonical)) return 0;
    if (variant.extraTop?.test(p.canonical)) return 'top';
    return null;
  };
  return {
    arch: variant.arch,
    reference: variant.reference,
    recognize({ params }: ArchContext) {
      const blocks = params.some((p) => VIT_BLOCK.test(p.canonical));
      const stem = params.some((p) => VIT_STEM.test(p.canonical));
      if (!blocks || !stem) return null;
      if (variant.marker && !params.some((p) => variant.marker!.test(p.canonical))) return null;
      return `names blocks.N with patch_embed / cls_token / pos_embed${variant.markerText}`;
    },
    plan({ params }: ArchContext): ArchPlan {
      let deepest = -1;
      for (const p of params) {
        const block = matchNumbers(VIT_BLOCK, p);
        if (block) deepest = Math.max(deepest, block[0]!);
      }
      if (deepest < 0) throw archMismatch(variant.arch, "no name is a transformer block ('blocks.N.…' or 'blocks_N/…')", params);
      return {
        numLayers: deepest + 2,
        layerIdOf(p) {
          const fixed = stemOrTop(p);
          if (fixed !== null) return fixed;
          const block = matchNumbers(VIT_BLOCK, p);
          if (block) return block[0]! + 1;
          return VIT_TOP.test(p.canonical) ? 'top' : null;
        },
        noWeightDecay: variant.noWeightDecay,
        detail: `${deepest + 1} blocks`,
      };
    },
  };
}

/** Globs for parameter names that are exact in the reference: `x` alone or after a prefix. */
export function exactNames(...names: string[]): string[] {
  return names.flatMap((n) => [n, `*.${n}`]);
}

export const vitResolver = vitLikeResolver({
  arch: 'vit',
  reference: 'MAE util/lr_decay.py get_layer_id_for_vit',
  extraStem: null,
  extraTop: null,
  noWeightDecay: exactNames('pos_embed', 'cls_token', 'dist_token'),
  marker: null,
  markerText: '',
});

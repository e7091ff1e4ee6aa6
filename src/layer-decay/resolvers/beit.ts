// BEiT layer ids, following microsoft/unilm beit/optim_factory.py get_num_layer_for_vit:
//   ("cls_token", "mask_token", "pos_embed") -> 0;  patch_embed* -> 0
//   rel_pos_bias* -> num_max_layer - 1;  blocks.i.* -> i + 1;  else -> num_max_layer - 1
// with num_max_layer = len(values) = depth + 2 (run_class_finetuning.py), so the top is depth + 1,
// the same top as MAE's ViT. The shared relative position bias sits at the top.
// Weight decay: BEiT's model.no_weight_decay() is {'pos_embed', 'cls_token'}.
import { segmentPattern } from '../names.js';
import { exactNames, vitLikeResolver } from './vit.js';

export const beitResolver = vitLikeResolver({
  arch: 'beit',
  reference: 'microsoft/unilm beit/optim_factory.py get_num_layer_for_vit',
  extraStem: segmentPattern('mask_token'),
  extraTop: segmentPattern('rel_pos_bias'),
  noWeightDecay: exactNames('pos_embed', 'cls_token'),
  // What tells a BEiT from a plain ViT by name: the shared relative position bias or the mask token.
  marker: segmentPattern('(?:rel_pos_bias|mask_token)'),
  markerText: ', and rel_pos_bias / mask_token',
});

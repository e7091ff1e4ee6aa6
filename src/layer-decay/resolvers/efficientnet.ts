// EfficientNet layer ids by block, or by stage (granularity 'stage'), from Keras applications'
// layer names (keras/src/applications/efficientnet.py and efficientnet_v2.py: `rescaling`,
// `normalization`, `stem_conv`, `stem_bn`; stage N = 1..7, block a, b, c, ... named
// `block{N}{letter}_*` (expand_conv, dwconv, bn, se_reduce, se_expand, project_conv, project_bn, ...);
// `top_conv`, `top_bn`; the top `predictions`).
// The ids follow timm's EfficientNet group_matcher (timm efficientnet.py:
// `stem=r'^conv_stem|bn1'`, blocks `r'^blocks\.(\d+)' if coarse else r'^blocks\.(\d+)\.(\d+)'`,
// `(r'conv_head|bn2', (99999,))`, the last joining the previous group):
//   stem_*, rescaling, normalization -> 0;  blockNx_* -> its block's place in order (block) or N (stage);
//   top_conv, top_bn -> with the last block;  predictions and new layers -> the top.
// For EfficientNet-B0 ([1, 2, 2, 3, 3, 4, 1] blocks) that is 0, 1..16, 17 by block and 0, 1..7, 8 by stage.
import { GRANULARITIES } from './resolver.js';
import { blockTableResolver } from './block-table.js';

const BLOCK = /^block(\d+)([a-z])_\w+$/;
const STEM = new Set(['stem_conv', 'stem_bn', 'rescaling', 'normalization']);

export const efficientnetResolver = blockTableResolver({
  arch: 'efficientnet',
  reference: 'timm efficientnet.py group_matcher; Keras applications efficientnet.py layer names',
  blockNames: 'blockNx_*',
  granularities: GRANULARITIES,
  placeOf(layer) {
    if (STEM.has(layer)) return { at: 'stem' };
    const block = BLOCK.exec(layer);
    if (block && Number(block[1]) >= 1) return { at: 'block', stage: Number(block[1]) - 1, block: block[2]!.charCodeAt(0) - 97 };
    if (layer === 'top_conv' || layer === 'top_bn') return { at: 'last' };
    return layer === 'predictions' ? { at: 'head' } : null;
  },
});

// ResNet layer ids by block, or by stage (granularity 'stage'), from Keras applications' layer
// names (keras/src/applications/resnet.py and resnet_v2.py: stem `conv1_conv`, `conv1_bn`; stage S =
// 2..5 block B = 1.. named `convS_blockB_{0,1,2,3}_{conv,bn}` and, v2, `convS_blockB_preact_bn`;
// v2's `post_bn` after the last block; the top `predictions`).
// The ids follow timm's ResNet group_matcher (timm resnet.py:
// `stem=r'^conv1|bn1|maxpool', blocks=r'^layer(\d+)' if coarse else r'^layer(\d+)\.(\d+)'`):
//   conv1_* -> 0;  convS_blockB_* -> its block's place in order (block) or S - 1 (stage);
//   post_bn -> with the last block (as timm's ResNetV2 group_matcher puts its final `norm`);
//   predictions and new layers -> the top.
// For ResNet50 ([3, 4, 6, 3] blocks) that is 0, 1..16, 17 by block and 0, 1..4, 5 by stage.
import { GRANULARITIES } from './resolver.js';
import { blockTableResolver } from './block-table.js';

const BLOCK = /^conv(\d+)_block(\d+)_\w+$/;

export const resnetResolver = blockTableResolver({
  arch: 'resnet',
  reference: 'timm resnet.py group_matcher; Keras applications resnet.py layer names',
  blockNames: 'convS_blockB_*',
  granularities: GRANULARITIES,
  placeOf(layer) {
    if (layer === 'conv1_conv' || layer === 'conv1_bn') return { at: 'stem' };
    const block = BLOCK.exec(layer);
    if (block && Number(block[1]) >= 2 && Number(block[2]) >= 1) return { at: 'block', stage: Number(block[1]) - 2, block: Number(block[2]) - 1 };
    if (layer === 'post_bn') return { at: 'last' };
    return layer === 'predictions' ? { at: 'head' } : null;
  },
});

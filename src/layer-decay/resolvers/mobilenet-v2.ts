// MobileNet v2 layer ids by block, from Keras applications' layer names
// (keras/src/applications/mobilenet_v2.py: `Conv1`, `bn_Conv1`; _inverted_res_block block_id 0
// named `expanded_conv_{depthwise,project}[_BN]`, block_id N = 1..16 named
// `block_N_{expand,depthwise,project}[_BN]`; then `Conv_1`, `Conv_1_bn`; the top `predictions`).
// The ids follow timm's group_matcher for MobileNet v2 (an EfficientNet-family model, timm
// efficientnet.py): stem `conv_stem|bn1` -> 0; each inverted-residual block its own id, in order;
// `conv_head|bn2` (Keras' Conv_1 / Conv_1_bn) with the last block (MATCH_PREV_GROUP); classifier at the top:
//   Conv1, bn_Conv1 -> 0;  expanded_conv_* -> 1;  block_N_* -> N + 1;  Conv_1* -> 17;  predictions -> 18.
// The names number no stages, so the granularity is 'block' only.
import { blockTableResolver } from './block-table.js';

const FIRST_BLOCK = /^expanded_conv_(?:depthwise|project)(?:_BN)?$/;
const BLOCK = /^block_(\d+)_(?:expand|depthwise|project)(?:_BN)?$/;

export const mobilenetV2Resolver = blockTableResolver({
  arch: 'mobilenetv2',
  reference: 'timm efficientnet.py group_matcher; Keras applications mobilenet_v2.py layer names',
  blockNames: 'expanded_conv_* / block_N_*',
  granularities: ['block'],
  placeOf(layer) {
    if (layer === 'Conv1' || layer === 'bn_Conv1') return { at: 'stem' };
    if (FIRST_BLOCK.test(layer)) return { at: 'block', stage: 0, block: 0 };
    const block = BLOCK.exec(layer);
    if (block) return { at: 'block', stage: 0, block: Number(block[1]) };
    if (layer === 'Conv_1' || layer === 'Conv_1_bn') return { at: 'last' };
    return layer === 'predictions' ? { at: 'head' } : null;
  },
});

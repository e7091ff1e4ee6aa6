// MobileNet v1 layer ids by block, from Keras applications' layer names
// (keras/src/applications/mobilenet.py: _conv_block names `conv1`, `conv1_bn`; _depthwise_conv_block
// with block_id N = 1..13 names `conv_dw_N`, `conv_dw_N_bn`, `conv_pw_N`, `conv_pw_N_bn`; the top is
// `conv_preds`), the names of tfjs' own MobileNet v1 (the tfjs-examples transfer-learning model).
// The ids follow timm's group_matcher for its MobileNet v1 (an EfficientNet-family model, timm
// efficientnet.py: stem `conv_stem|bn1` -> 0, each block `blocks.S.B` (one depthwise-separable
// block: depthwise conv + pointwise conv) its own id, the classifier at the top):
//   conv1, conv1_bn -> 0;  conv_dw_N*, conv_pw_N* -> N;  conv_preds and new layers -> 14 (for 13 blocks).
// The names number no stages, so the granularity is 'block' only.
import { blockTableResolver } from './block-table.js';

const BLOCK = /^conv_(?:dw|pw)_(\d+)(?:_bn)?$/;

export const mobilenetV1Resolver = blockTableResolver({
  arch: 'mobilenetv1',
  reference: 'timm efficientnet.py group_matcher; Keras applications mobilenet.py layer names',
  blockNames: 'conv_dw_N / conv_pw_N',
  granularities: ['block'],
  placeOf(layer) {
    if (layer === 'conv1' || layer === 'conv1_bn') return { at: 'stem' };
    const block = BLOCK.exec(layer);
    if (block) return { at: 'block', stage: 0, block: Number(block[1]) - 1 };
    return layer === 'conv_preds' ? { at: 'head' } : null;
  },
});

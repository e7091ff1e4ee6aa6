// BERT layer ids: embeddings.* -> 0; encoder.layer.i.* -> i + 1; pooler / classifier -> top
// (numLayers = encoder layers + 1). The rule is ELECTRA's _get_layer_lrs (model/optimization.py,
// which keys TF names "/embeddings/" -> 0 and "encoder/layer_i/" -> i + 1), with the task head at
// n_layers + 1 instead of ELECTRA's n_layers + 2 so that the scales follow OneFlow's and MAE's
// decay ** (numLayers - i) with no empty layer between the encoder and the head.
// Names: Hugging Face (`bert.encoder.layer.3.attention.self.query.weight`) and tfjs / TF
// (`encoder/layer_3/attention/self/query/kernel`). Biases and LayerNorm weights are 1-D, so the
// 1-D rule covers Hugging Face's no_decay list ["bias", "LayerNorm.weight"].
import { segmentPattern } from '../names.js';
import { archMismatch, matchNumbers, type Resolver } from './resolver.js';

const EMBEDDINGS = segmentPattern('embeddings(?:_project)?');
const ENCODER_LAYER = segmentPattern('encoder\\.layers?\\.(\\d+)');
const TOP = segmentPattern('(?:pooler|classifier|cls|qa_outputs|lm_head|head|task_specific|layernorm)');

export const bertResolver: Resolver = {
  arch: 'bert',
  reference: 'google-research/electra model/optimization.py _get_layer_lrs',
  recognize({ params }) {
    return params.some((p) => ENCODER_LAYER.test(p.canonical)) ? 'names encoder.layer.N' : null;
  },
  plan({ params }) {
    let deepest = -1;
    for (const p of params) {
      const layer = matchNumbers(ENCODER_LAYER, p);
      if (layer) deepest = Math.max(deepest, layer[0]!);
    }
    if (deepest < 0) throw archMismatch('bert', "no name is an encoder layer ('encoder.layer.N.…' or 'encoder/layer_N/…')", params);
    return {
      numLayers: deepest + 2,
      layerIdOf(p) {
        const layer = matchNumbers(ENCODER_LAYER, p);
        if (layer) return layer[0]! + 1;
        // The head first: a tfjs Embedding layer's weight is itself named 'embeddings'.
        if (TOP.test(p.canonical)) return 'top';
        return EMBEDDINGS.test(p.canonical) ? 0 : null;
      },
      noWeightDecay: [],
      detail: `${deepest + 1} encoder layers`,
    };
  },
};

// ConvNeXt layer ids, stage-wise or block-wise (option granularity), following
//   'block': ConvNeXt-V2 optim_factory.py get_num_layer_for_convnext_single (layer_decay_type 'single'):
//            downsample_layers.s -> sum(depths[:s]) + 1; stages.s.b -> sum(depths[:s]) + b + 1;
//            else -> sum(depths) + 1. The stem (downsample_layers.0) shares id 1 with the first block.
//   'group': ConvNeXt optim_factory.py get_num_layer_for_convnext (layer_decay_type 'group'): stem -> 0,
//            each run of 3 blocks of a stage one id, a downsample with the first run of its stage,
//            head -> last + 1. For depths [3, 3, 27, 3] this gives the reference's ids exactly (0..13).
//   'stage': stem -> 0, stage s (its downsample and blocks) -> s + 1, head -> stages + 1.
// Names: the original (downsample_layers.s.*, stages.s.b.*, norm, head) and timm's (stem.*,
// stages.s.downsample.*, stages.s.blocks.b.*, head.norm, head.fc), dotted or tfjs-style.
// Weight decay: ConvNeXt-V2 also keeps names ending in .gamma / .beta (layer scale, GRN) out.
import { segmentPattern } from '../names.js';
import { archMismatch, matchNumbers, type Resolver } from './resolver.js';
import { depthsOf, stageLayout } from './stage-layout.js';

const STEM = segmentPattern('(?:stem|downsample_layers\\.0)');
const DOWNSAMPLE = segmentPattern('(?:downsample_layers\\.(\\d+)|stages\\.(\\d+)\\.downsample)');
const BLOCK = segmentPattern('stages\\.(\\d+)\\.(?:blocks\\.)?(\\d+)');
const TOP = segmentPattern('(?:norm|norm_pre|fc_norm|head)');

export const convnextResolver: Resolver = {
  arch: 'convnext',
  reference: 'ConvNeXt / ConvNeXt-V2 optim_factory.py get_num_layer_for_convnext(_single)',
  recognize({ params }) {
    const blocks = params.some((p) => BLOCK.test(p.canonical));
    const stemOrDown = params.some((p) => STEM.test(p.canonical) || DOWNSAMPLE.test(p.canonical));
    return blocks && stemOrDown ? 'names stages.N.M / stages.N.blocks.M with a stem or downsample layers' : null;
  },
  plan({ params, granularity }) {
    const pairs: Array<[number, number]> = [];
    let stages = 0;
    for (const p of params) {
      const block = matchNumbers(BLOCK, p);
      if (block) pairs.push([block[0]!, block[1]!]);
      const down = STEM.test(p.canonical) ? null : matchNumbers(DOWNSAMPLE, p);
      stages = Math.max(stages, (block?.[0] ?? down?.[0] ?? -1) + 1);
    }
    if (pairs.length === 0) throw archMismatch('convnext', "no name is a ConvNeXt block ('stages.S.B.…', 'stages.S.blocks.B.…' or 'stages_S/blocks_B/…')", params);
    const layout = stageLayout(depthsOf(pairs, stages), granularity);
    return {
      numLayers: layout.top,
      layerIdOf(p) {
        if (STEM.test(p.canonical)) return granularity === 'block' ? layout.firstOf(0) : 0;
        const down = matchNumbers(DOWNSAMPLE, p);
        if (down) return layout.firstOf(down[0]!);
        const block = matchNumbers(BLOCK, p);
        if (block) return layout.blockId(block[0]!, block[1]!);
        return TOP.test(p.canonical) ? 'top' : null;
      },
      noWeightDecay: ['*.gamma', '*.beta'],
      detail: layout.detail,
    };
  },
};

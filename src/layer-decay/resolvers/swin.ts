// Swin layer ids, block-wise or stage-wise (option granularity), following SimMIM optimizer.py
// get_swin_layer (block-wise):
//   mask_token, patch_embed* -> 0;  layers.s.blocks.b -> sum(depths[:s]) + b + 1
//   layers.s.downsample.{reduction,norm} -> sum(depths[:s + 1])  (with the last block of stage s)
//   else -> num_layers - 1 = sum(depths) + 1
// 'group' and 'stage' use the same stage layout as ConvNeXt (stage-layout.ts).
// Two departures, both about names SimMIM never met: absolute_pos_embed is put in the stem, as in
// timm's swin group_matcher (SimMIM's else branch would put it at the top); and timm >= 0.9 keeps the
// patch merging at the start of the next stage (layers.s.downsample, s >= 1, none in stage 0): it is
// the same module, so it gets the same id, that of the last block before it.
// Weight decay: Swin's no_weight_decay() {'absolute_pos_embed'} and keyword 'relative_position_bias_table'.
import { segmentPattern } from '../names.js';
import { exactNames } from './vit.js';
import { archMismatch, matchNumbers, type Resolver } from './resolver.js';
import { depthsOf, stageLayout } from './stage-layout.js';

const STEM = segmentPattern('(?:patch_embed[\\w-]*|mask_token|absolute_pos_embed)');
const BLOCK = segmentPattern('layers\\.(\\d+)\\.blocks\\.(\\d+)');
const DOWNSAMPLE = segmentPattern('layers\\.(\\d+)\\.downsample');
const TOP = segmentPattern('(?:norm|fc_norm|head)');

export const swinResolver: Resolver = {
  arch: 'swin',
  reference: 'microsoft/SimMIM optimizer.py get_swin_layer',
  recognize({ params }) {
    return params.some((p) => BLOCK.test(p.canonical)) ? 'names layers.N.blocks.M' : null;
  },
  plan({ params, granularity }) {
    const pairs: Array<[number, number]> = [];
    const downsampled = new Set<number>();
    let stages = 0;
    for (const p of params) {
      const block = matchNumbers(BLOCK, p);
      if (block) pairs.push([block[0]!, block[1]!]);
      const down = matchNumbers(DOWNSAMPLE, p);
      if (down) downsampled.add(down[0]!);
      stages = Math.max(stages, (block?.[0] ?? down?.[0] ?? -1) + 1);
    }
    if (pairs.length === 0) throw archMismatch('swin', "no name is a Swin block ('layers.S.blocks.B.…' or 'layers_S/blocks_B/…')", params);
    const layout = stageLayout(depthsOf(pairs, stages), granularity);
    // SimMIM's Swin merges patches at the end of stages 0..n-2; timm's at the start of stages 1..n-1.
    const mergesFirst = !downsampled.has(0) && downsampled.has(stages - 1) && stages > 1;
    return {
      numLayers: layout.top,
      layerIdOf(p) {
        if (STEM.test(p.canonical)) return 0;
        const block = matchNumbers(BLOCK, p);
        if (block) return layout.blockId(block[0]!, block[1]!);
        const down = matchNumbers(DOWNSAMPLE, p);
        if (down) return mergesFirst ? layout.lastOf(down[0]! - 1) : layout.lastOf(down[0]!);
        return TOP.test(p.canonical) ? 'top' : null;
      },
      noWeightDecay: [...exactNames('absolute_pos_embed'), '*relative_position_bias_table*'],
      detail: `${layout.detail}, patch merging ${mergesFirst ? 'at the start of a stage (timm)' : 'at the end of a stage (SimMIM)'}`,
    };
  },
};

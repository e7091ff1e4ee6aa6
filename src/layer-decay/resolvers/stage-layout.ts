// Layer ids for models built of stages of blocks (ConvNeXt, Swin), from the stage depths read off
// the names. Granularity:
//   'block': one id per block (ConvNeXt-V2 get_num_layer_for_convnext_single; SimMIM get_swin_layer);
//   'group': one id per run of 3 consecutive blocks inside a stage (ConvNeXt get_num_layer_for_convnext,
//            written there for depths [3, 3, 27, 3]: 12 groups; this is that rule for any depths);
//   'stage': one id per stage.
// Ids start at 1; 0 is left to the stem.
import type { Granularity } from './resolver.js';

export interface StageLayout {
  blockId(stage: number, block: number): number;
  /** The id of the first / last unit of a stage. */
  firstOf(stage: number): number;
  lastOf(stage: number): number;
  /** The head's id: one above the last unit. */
  top: number;
  detail: string;
}

const BLOCKS_PER_UNIT: Record<Granularity, number> = { block: 1, group: 3, stage: Infinity };
const DESCRIPTION: Record<Granularity, string> = {
  block: 'one layer per block',
  group: 'one layer per 3 blocks of a stage',
  stage: 'one layer per stage',
};

export function stageLayout(depths: readonly number[], granularity: Granularity): StageLayout {
  const size = BLOCKS_PER_UNIT[granularity];
  const units = depths.map((d) => (d === 0 ? 0 : size === Infinity ? 1 : Math.ceil(d / size)));
  const before = units.map((_, s) => units.slice(0, s).reduce((a, b) => a + b, 0));
  const total = units.reduce((a, b) => a + b, 0);
  return {
    blockId: (stage, block) => before[stage]! + Math.floor(block / size) + 1,
    firstOf: (stage) => before[stage]! + 1,
    lastOf: (stage) => before[stage]! + Math.max(units[stage]!, 1),
    top: total + 1,
    detail: `depths [${depths.join(', ')}], ${DESCRIPTION[granularity]}`,
  };
}

/** Stage depths from (stage, block) pairs: a stage's depth is its highest block index + 1. */
export function depthsOf(pairs: Iterable<readonly [number, number]>, stageCount: number): number[] {
  const depths = new Array<number>(stageCount).fill(0);
  for (const [stage, block] of pairs) depths[stage] = Math.max(depths[stage]!, block + 1);
  return depths;
}

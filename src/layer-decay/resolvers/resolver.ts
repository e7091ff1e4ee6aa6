// What an architecture resolver is: it reads the parameter names, says whether they look like its
// architecture, and gives each parameter its layer id. Ids run from 0 (the embeddings) to numLayers
// (the top: final norm and head); 'top' stands for numLayers before numLayers is final (a user's
// numLayers option may move it). null means the name fits no rule of the architecture: the caller
// lists such names, it never puts them at the top silently (timm#2712).
import type { ParamInfo } from '../param-source.js';
import type { LayerGraph } from '../layer-graph.js';

export const ARCH_NAMES = ['vit', 'beit', 'bert', 'convnext', 'swin', 'mobilenetv1', 'mobilenetv2', 'resnet', 'efficientnet', 'sequential'] as const;
export type ArchName = (typeof ARCH_NAMES)[number];

/** For stage-based models (convnext, swin, resnet, efficientnet): one layer id per block, per run of 3 blocks, or per stage. */
export const GRANULARITIES = ['block', 'group', 'stage'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export type LayerAssignment = number | 'top' | null;

export interface ArchContext {
  params: readonly ParamInfo[];
  graph: LayerGraph | null;
  granularity: Granularity;
}

export interface ArchPlan {
  /** The top layer's id that the names imply (a ViT: blocks + 1). */
  numLayers: number;
  layerIdOf(param: ParamInfo): LayerAssignment;
  /** Globs of parameters the architecture's reference keeps out of weight decay besides 1-D ones (timm's no_weight_decay()). */
  noWeightDecay: readonly string[];
  /** What was read from the names, for the report: e.g. 'depths [2, 2, 6, 2], one layer per block'. */
  detail: string;
}

export interface Resolver {
  readonly arch: ArchName;
  /** The reference the layer ids follow. */
  readonly reference: string;
  /** Why the names look like this architecture, or null when they do not. */
  recognize(context: ArchContext): string | null;
  /** The layer ids; throws, naming what is missing, when the names do not fit the architecture. */
  plan(context: ArchContext): ArchPlan;
}

/** The error for an arch given explicitly that does not fit the names. */
export function archMismatch(arch: ArchName, missing: string, params: readonly ParamInfo[]): Error {
  const sample = params.slice(0, 5).map((p) => `'${p.name}'`).join(', ');
  return new Error(`arch '${arch}' does not fit these parameters: ${missing}; first names: ${sample}${params.length > 5 ? ', ...' : ''}. Use arch 'auto', another arch, or rules/layerId.`);
}

/** The first capture groups of `re` on the canonical name, as numbers; null when it does not match. */
export function matchNumbers(re: RegExp, param: ParamInfo): number[] | null {
  const m = re.exec(param.canonical);
  if (!m) return null;
  return m.slice(1).filter((g) => g !== undefined).map(Number);
}

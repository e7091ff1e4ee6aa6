// The layer-decay part of the public surface: re-exports only.
export { layerScales } from './layer-scales.js';
export {
  layerDecayGroups, type LayerDecayOptions, type LayerDecayGroups, type LayerDecayGroup, type ParamAssignment,
  type ArchChoice, type LayerRule, type RuleLayerId,
} from './layer-decay-groups.js';
export { describeGroups, type GroupRow, type GroupsDescription } from './describe-groups.js';
export { canonicalName } from './names.js';
export type { ParamSource, ParamDescription, ModelJsonLike } from './param-source.js';
export { ARCH_NAMES, GRANULARITIES, type ArchName, type Granularity } from './resolvers/resolver.js';
export type { NoDecayReason, NoDecayVerdict } from './no-weight-decay.js';
export { freezeLayers, unfreezeCallback, type FreezeResult, type UnfreezeOptions, type LayerIds } from './freeze-layers.js';

// The public surface: re-exports only.
export { GroupedOptimizer, type GroupedOptimizerOptions, type NamedTensor } from './optimizer.js';
export { ParamGroup } from './param-group.js';
export { install, uninstall, isInstalled, adamw, groupedOptimizer, type GroupedFactories, type InstalledTf } from './install.js';
export type { GroupSpec, ParamRef } from './groups.js';
export { RULES, RULE_NAMES, getRule, type RuleName, type UpdateRule } from './rules/index.js';
export { type Schedule, type ScheduleConfig, type LearningRate, isSchedule, scheduleFromConfig, registerSchedule, defineSchedule } from './schedules.js';
export { LayerScaleLR, lrScheduleCallback, lrLogKey, type LayerScaleLROptions, type LrScheduleCallback, type SchedulableGroup } from './scheduler.js';
export * as schedules from './schedules.js';
export type { EngineChoice } from './engines/select.js';
export { createWebGpuEngine, type WebGpuEngine, type WebGpuEngineOptions } from './engines/webgpu/engine.js';
export type { UpdateEngine, GroupStep, GroupEntry } from './engines/engine.js';
export * from './layer-decay/index.js';

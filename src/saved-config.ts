// The optimizer's config as a checkpoint stores it (getConfig / fromConfig), and the encoding that
// keeps it intact: tfjs-layers runs a loaded model's optimizer config through convertPythonicToTs,
// which camel-cases every string holding an underscore ('layer_3_decay' -> 'layer3Decay', regex
// sources too). The config is therefore one JSON string in which every '_' is written as the JSON
// escape \u005f: the string has no underscore to mangle, and JSON.parse restores it.
import type * as tfc from '@tensorflow/tfjs-core';
import type { GroupSpec } from './groups.js';
import type { Hyperparameters, HyperValue } from './rules/rule.js';
import type { TrainingOptions } from './optimizer-options.js';
import { scheduleFromConfig, type LearningRate, type ScheduleConfig } from './schedules.js';

export interface SavedGroup {
  name: string;
  lrScale: number;
  weightDecay: number;
  overrides: Record<string, HyperValue>;
  lrOverride: number | null;
  /** The group's own base rate or schedule (absent or null: the optimizer's). */
  schedule?: number | ScheduleConfig | null;
  /** Exact variable names: those given as objects and those given by name. */
  names: string[];
  patterns: Array<{ source: string; flags: string }>;
}

export interface SavedSpec {
  rule: string;
  learningRate: number | ScheduleConfig;
  hyperparameters: Hyperparameters;
  weightDecay: number;
  defaultGroup: number | null;
  /** 'auto', 'ops' or 'fused'; an engine object given in code is saved as 'auto'. */
  engine: 'auto' | 'ops' | 'fused';
  scaleMinLr?: boolean;
  /** Clipping, accumulation, moving average (absent in checkpoints from before they existed: all off). */
  training?: TrainingOptions;
  groups: SavedGroup[];
}

export function encodeSpec(spec: SavedSpec): tfc.serialization.ConfigDict {
  return { spec: JSON.stringify(spec).replace(/_/g, '\\u005f') };
}

export function decodeSpec(config: tfc.serialization.ConfigDict): SavedSpec {
  if (typeof config.spec !== 'string') throw new Error('GroupedOptimizer config: expected the encoded spec string');
  return JSON.parse(config.spec) as SavedSpec;
}

export function savedLearningRate(lr: LearningRate): number | ScheduleConfig {
  return typeof lr === 'number' ? lr : lr.config;
}

/** The saved groups as specs again: names and patterns (variables resolve by name in the loading process). */
export function groupSpecsOf(spec: SavedSpec): GroupSpec[] {
  return spec.groups.map((g) => ({
    name: g.name, lrScale: g.lrScale, weightDecay: g.weightDecay, ...g.overrides,
    ...(g.schedule != null ? { schedule: learningRateOf({ learningRate: g.schedule }) } : {}),
    params: [...g.names, ...g.patterns.map((p) => new RegExp(p.source, p.flags))],
  }));
}

export function learningRateOf(spec: Pick<SavedSpec, 'learningRate'>): LearningRate {
  return typeof spec.learningRate === 'number' ? spec.learningRate : scheduleFromConfig(spec.learningRate);
}

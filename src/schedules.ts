// Learning-rate schedules: pure, serializable functions of the global step (optimizer.iterations).
// The optimizer takes a schedule wherever it takes a number and multiplies its value by each
// group's lrScale.

export interface ScheduleConfig {
  kind: string;
  [arg: string]: unknown;
}

/** schedule(step) is the base learning rate at that 0-based step; `config` rebuilds it. */
export interface Schedule {
  (step: number): number;
  readonly config: ScheduleConfig;
}

export type LearningRate = number | Schedule;

export function isSchedule(x: unknown): x is Schedule {
  return typeof x === 'function' && typeof (x as Schedule).config === 'object';
}

type ScheduleFactory = (config: ScheduleConfig) => Schedule;
const factories = new Map<string, ScheduleFactory>();

/** Each schedule kind registers how to rebuild itself from its config (used by checkpoints). */
export function registerSchedule(kind: string, factory: ScheduleFactory) {
  factories.set(kind, factory);
}

export function scheduleFromConfig(config: ScheduleConfig): Schedule {
  const factory = factories.get(config.kind);
  if (!factory) throw new Error(`unknown schedule kind '${config.kind}': known kinds are ${[...factories.keys()].join(', ')}`);
  return factory(config);
}

function makeSchedule(config: ScheduleConfig, at: (step: number) => number): Schedule {
  return Object.assign((step: number) => at(step), { config });
}

/** A constant learning rate, as a schedule. */
export function constant(lr: number): Schedule {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new Error(`constant: lr must be a finite number >= 0, got ${lr}`);
  return makeSchedule({ kind: 'constant', lr }, () => lr);
}
registerSchedule('constant', (c) => constant(c.lr as number));

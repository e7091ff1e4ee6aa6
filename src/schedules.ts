// Learning-rate schedules: pure, serializable functions of the global step (optimizer.iterations,
// 0-based: as in PyTorch the first update uses schedule(0)). The optimizer takes a schedule wherever
// it takes a number and multiplies its value by each group's lrScale (see groupRate below).
//
// Every schedule checks its arguments, and its values wherever its shape can change (its boundary
// steps), when it is built: a bad schedule fails at construction, not as NaN weights later.
// Every schedule registers its kind, so scheduleFromConfig rebuilds it from a checkpoint.

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

/**
 * A schedule from its config and its formula. `checkSteps` are the steps where the formula changes
 * shape (start, ends of phases, boundaries): each must give a finite rate >= 0, or this throws now.
 * Exported for custom kinds (register them with registerSchedule so checkpoints can rebuild them).
 */
export function defineSchedule(config: ScheduleConfig, at: (step: number) => number, checkSteps: readonly number[] = [0]): Schedule {
  const schedule = Object.assign((step: number) => {
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new Error(`${config.kind} schedule: the step must be a finite number >= 0, got ${step}`);
    }
    return at(step);
  }, { config });
  for (const step of checkSteps) checkRateAt(schedule, step, `${config.kind} schedule`);
  return schedule;
}

/** Throws unless schedule(step) is a finite number >= 0; returns it. */
export function checkRateAt(schedule: (step: number) => number, step: number, what: string): number {
  const value = schedule(step);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what}: the learning rate at step ${step} is ${value}; a schedule must give finite numbers >= 0`);
  }
  return value;
}

/** A number becomes a constant schedule; a schedule stays as it is. */
export function toSchedule(lr: LearningRate, what = 'learning rate'): Schedule {
  if (isSchedule(lr)) return lr;
  return constant(rate(lr, what));
}

// ---------------------------------------------------------------------------------------------
// How a group's rate follows from the base rate: the one formula the optimizer (OneFlow's Graph
// mode) and LayerScaleLR (its Eager mode) share, so the two modes cannot drift apart.

/**
 * A group's learning rate from the base rate and its lrScale.
 * - unscaledMinLr 0 (the default, MAE's rule): base × lrScale. The schedule's minLr is scaled too:
 *   a group with scale 0.1 decays to minLr × 0.1.
 * - unscaledMinLr > 0 (GroupedOptimizer option scaleMinLr: false): unscaledMinLr + (base − unscaledMinLr)
 *   × lrScale. Only the part above the floor is scaled, so every group ends at the same minLr; note
 *   that during a warmup from 0 a group with scale < 1 then starts at minLr × (1 − lrScale), not 0.
 * lrScale 0 stays 0 in both: the optimizer freezes such a group.
 */
export function groupRate(base: number, lrScale: number, unscaledMinLr = 0): number {
  if (unscaledMinLr === 0 || lrScale === 0) return base * lrScale;
  return unscaledMinLr + (base - unscaledMinLr) * lrScale;
}

/**
 * The floor a schedule decays to, as its config states it: `minLr` of cosine, warmupCosine and
 * polynomial; warmup's inner schedule's; sequence's last schedule's; 0 for a number and every other kind.
 * This is what scaleMinLr: false keeps unscaled.
 */
export function scheduleMinLr(lr: LearningRate): number {
  if (typeof lr === 'number') return 0;
  return configMinLr(lr.config);
}

function configMinLr(config: ScheduleConfig): number {
  if (typeof config.minLr === 'number') return config.minLr;
  if (config.kind === 'warmup') return configMinLr(config.schedule as ScheduleConfig);
  if (config.kind === 'sequence') {
    const parts = config.schedules as ScheduleConfig[];
    return configMinLr(parts[parts.length - 1]!);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Argument checks: each names the schedule and the argument.

function rate(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${what} must be a finite number >= 0, got ${value}`);
  return value;
}

function positive(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${what} must be a finite number > 0, got ${value}`);
  return value;
}

function steps(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`${what} must be an integer >= ${min}, got ${value}`);
  return value;
}

function atMost(minLr: number, lr: number, what: string) {
  if (minLr > lr) throw new Error(`${what}: minLr (${minLr}) must not exceed the peak rate (${lr})`);
}

function noUnknownKeys(args: object, known: readonly string[], what: string) {
  if (args === null || typeof args !== 'object') throw new Error(`${what}: expected an options object {${known.join(', ')}}`);
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) throw new Error(`${what}: unknown option '${key}'; known options: ${known.join(', ')}`);
  }
}

/** A config without its kind: the options object its factory took. */
function optionsOf<T>(config: ScheduleConfig): T {
  const { kind: _kind, ...rest } = config;
  return rest as T;
}

// ---------------------------------------------------------------------------------------------
// The schedules. Each comment gives the formula; t is the 0-based global step.

/** lr at every step. */
export function constant(lr: number): Schedule {
  rate(lr, 'constant: lr');
  return defineSchedule({ kind: 'constant', lr }, () => lr);
}
registerSchedule('constant', (c) => constant(c.lr as number));

export interface StepOptions { lr: number; stepSize: number; gamma?: number }
/** PyTorch StepLR: lr × gamma^floor(t / stepSize). gamma defaults to 0.1. */
export function step(args: StepOptions): Schedule {
  noUnknownKeys(args, ['lr', 'stepSize', 'gamma'], 'step');
  const lr = rate(args.lr, 'step: lr');
  const stepSize = steps(args.stepSize, 'step: stepSize', 1);
  const gamma = positive(args.gamma ?? 0.1, 'step: gamma');
  return defineSchedule({ kind: 'step', lr, stepSize, gamma }, (t) => lr * gamma ** Math.floor(t / stepSize), [0, stepSize]);
}
registerSchedule('step', (c) => step(optionsOf<StepOptions>(c)));

export interface MultiStepOptions { lr: number; milestones: readonly number[]; gamma?: number }
/** PyTorch MultiStepLR: lr × gamma^(number of milestones <= t). gamma defaults to 0.1. */
export function multiStep(args: MultiStepOptions): Schedule {
  noUnknownKeys(args, ['lr', 'milestones', 'gamma'], 'multiStep');
  const lr = rate(args.lr, 'multiStep: lr');
  const gamma = positive(args.gamma ?? 0.1, 'multiStep: gamma');
  if (!Array.isArray(args.milestones)) throw new Error('multiStep: milestones must be an array of steps');
  const milestones = args.milestones.map((m, i) => steps(m, `multiStep: milestones[${i}]`, 1));
  milestones.forEach((m, i) => {
    if (i > 0 && m < milestones[i - 1]!) throw new Error(`multiStep: milestones must be in increasing order, got ${milestones.join(', ')}`);
  });
  const passed = (t: number) => milestones.filter((m) => m <= t).length;
  return defineSchedule({ kind: 'multiStep', lr, milestones, gamma }, (t) => lr * gamma ** passed(t), [0, ...milestones]);
}
registerSchedule('multiStep', (c) => multiStep(optionsOf<MultiStepOptions>(c)));

export interface ExponentialOptions { lr: number; gamma: number; decaySteps?: number; staircase?: boolean }
/**
 * lr × gamma^(t / decaySteps), or gamma^floor(t / decaySteps) with staircase (Keras ExponentialDecay);
 * decaySteps 1 is PyTorch ExponentialLR. With gamma > 1 the rate grows without bound: the optimizer
 * stops with an error at the first step where it is no longer finite.
 */
export function exponential(args: ExponentialOptions): Schedule {
  noUnknownKeys(args, ['lr', 'gamma', 'decaySteps', 'staircase'], 'exponential');
  const lr = rate(args.lr, 'exponential: lr');
  const gamma = positive(args.gamma, 'exponential: gamma');
  const decaySteps = positive(args.decaySteps ?? 1, 'exponential: decaySteps');
  const staircase = args.staircase ?? false;
  if (typeof staircase !== 'boolean') throw new Error(`exponential: staircase must be true or false, got ${staircase}`);
  const exponent = (t: number) => (staircase ? Math.floor(t / decaySteps) : t / decaySteps);
  return defineSchedule({ kind: 'exponential', lr, gamma, decaySteps, staircase }, (t) => lr * gamma ** exponent(t), [0, decaySteps]);
}
registerSchedule('exponential', (c) => exponential(optionsOf<ExponentialOptions>(c)));

export interface CosineOptions { lr: number; totalSteps: number; minLr?: number }
/**
 * Half-cosine from lr to minLr over totalSteps, then minLr:
 * minLr + (lr − minLr) × ½(1 + cos(π · min(t, T) / T)). (PyTorch CosineAnnealingLR would climb
 * back up after T; a fine-tuning run wants the floor.)
 */
export function cosine(args: CosineOptions): Schedule {
  noUnknownKeys(args, ['lr', 'totalSteps', 'minLr'], 'cosine');
  const lr = rate(args.lr, 'cosine: lr');
  const totalSteps = steps(args.totalSteps, 'cosine: totalSteps', 1);
  const minLr = rate(args.minLr ?? 0, 'cosine: minLr');
  atMost(minLr, lr, 'cosine');
  const at = (t: number) => minLr + (lr - minLr) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, totalSteps)) / totalSteps));
  return defineSchedule({ kind: 'cosine', lr, totalSteps, minLr }, at, [0, totalSteps]);
}
registerSchedule('cosine', (c) => cosine(optionsOf<CosineOptions>(c)));

export interface LinearOptions { startLr: number; endLr: number; totalSteps: number }
/** Straight line from startLr to endLr over totalSteps, then endLr: startLr + (endLr − startLr) · min(t, T) / T. */
export function linear(args: LinearOptions): Schedule {
  noUnknownKeys(args, ['startLr', 'endLr', 'totalSteps'], 'linear');
  const startLr = rate(args.startLr, 'linear: startLr');
  const endLr = rate(args.endLr, 'linear: endLr');
  const totalSteps = steps(args.totalSteps, 'linear: totalSteps', 1);
  const at = (t: number) => startLr + ((endLr - startLr) * Math.min(t, totalSteps)) / totalSteps;
  return defineSchedule({ kind: 'linear', startLr, endLr, totalSteps }, at, [0, totalSteps]);
}
registerSchedule('linear', (c) => linear(optionsOf<LinearOptions>(c)));

export interface PolynomialOptions { lr: number; totalSteps: number; power?: number; minLr?: number }
/** Keras PolynomialDecay: (lr − minLr) × (1 − min(t, T) / T)^power + minLr. power defaults to 1. */
export function polynomial(args: PolynomialOptions): Schedule {
  noUnknownKeys(args, ['lr', 'totalSteps', 'power', 'minLr'], 'polynomial');
  const lr = rate(args.lr, 'polynomial: lr');
  const totalSteps = steps(args.totalSteps, 'polynomial: totalSteps', 1);
  const power = positive(args.power ?? 1, 'polynomial: power');
  const minLr = rate(args.minLr ?? 0, 'polynomial: minLr');
  atMost(minLr, lr, 'polynomial');
  const at = (t: number) => (lr - minLr) * (1 - Math.min(t, totalSteps) / totalSteps) ** power + minLr;
  return defineSchedule({ kind: 'polynomial', lr, totalSteps, power, minLr }, at, [0, totalSteps]);
}
registerSchedule('polynomial', (c) => polynomial(optionsOf<PolynomialOptions>(c)));

export interface WarmupOptions { warmupSteps: number; startLr?: number }
/**
 * Linear warmup in front of a schedule, which then starts at its own step 0 (shifted, as in
 * Hugging Face's and Keras' warmup schedules):
 * t < W: startLr + (schedule(0) − startLr) · t / W;  t >= W: schedule(t − W).  startLr defaults to 0.
 */
export function warmup(schedule: LearningRate, args: WarmupOptions): Schedule {
  noUnknownKeys(args, ['warmupSteps', 'startLr'], 'warmup');
  const inner = toSchedule(schedule, 'warmup: the schedule');
  const warmupSteps = steps(args.warmupSteps, 'warmup: warmupSteps', 0);
  const startLr = rate(args.startLr ?? 0, 'warmup: startLr');
  const peak = checkRateAt(inner, 0, 'warmup: the schedule it warms up to');
  const at = (t: number) => (t < warmupSteps ? startLr + ((peak - startLr) * t) / warmupSteps : inner(t - warmupSteps));
  return defineSchedule({ kind: 'warmup', schedule: inner.config, warmupSteps, startLr }, at, [0, warmupSteps]);
}
registerSchedule('warmup', (c) => warmup(scheduleFromConfig(c.schedule as ScheduleConfig), { warmupSteps: c.warmupSteps as number, startLr: c.startLr as number }));

export interface WarmupCosineOptions { lr: number; warmupSteps: number; totalSteps: number; minLr?: number }
/**
 * MAE's util/lr_sched.py adjust_learning_rate, per step (W warmup steps, T total):
 * t < W: lr · t / W;  else minLr + (lr − minLr) × ½(1 + cos(π (min(t, T) − W) / (T − W))).
 * The optimizer multiplies it by each group's lrScale, as MAE does (minLr is scaled too).
 */
export function warmupCosine(args: WarmupCosineOptions): Schedule {
  noUnknownKeys(args, ['lr', 'warmupSteps', 'totalSteps', 'minLr'], 'warmupCosine');
  const lr = rate(args.lr, 'warmupCosine: lr');
  const totalSteps = steps(args.totalSteps, 'warmupCosine: totalSteps', 1);
  const warmupSteps = steps(args.warmupSteps, 'warmupCosine: warmupSteps', 0);
  if (warmupSteps > totalSteps) throw new Error(`warmupCosine: warmupSteps (${warmupSteps}) must not exceed totalSteps (${totalSteps})`);
  const minLr = rate(args.minLr ?? 0, 'warmupCosine: minLr');
  atMost(minLr, lr, 'warmupCosine');
  const decaySteps = totalSteps - warmupSteps;
  const at = (t: number) => {
    if (t < warmupSteps) return (lr * t) / warmupSteps;
    if (decaySteps === 0) return minLr;
    return minLr + (lr - minLr) * 0.5 * (1 + Math.cos((Math.PI * (Math.min(t, totalSteps) - warmupSteps)) / decaySteps));
  };
  return defineSchedule({ kind: 'warmupCosine', lr, warmupSteps, totalSteps, minLr }, at, [0, warmupSteps, totalSteps]);
}
registerSchedule('warmupCosine', (c) => warmupCosine(optionsOf<WarmupCosineOptions>(c)));

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  /** Fraction of the steps spent rising to maxLr. Default 0.3. */
  pctStart?: number;
  /** Starts at maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Ends at maxLr / divFactor / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  annealStrategy?: 'cos' | 'linear';
  threePhase?: boolean;
}
/**
 * PyTorch OneCycleLR's learning rate (momentum is not cycled). Phases end at steps
 * pctStart·T − 1 and T − 1 (three-phase: pctStart·T − 1, 2·pctStart·T − 2, T − 1); inside a phase
 * from a to b, with p the fraction of the phase done: cos: b + (a − b)/2 · (cos(πp) + 1); linear:
 * a + (b − a) · p. PyTorch raises past T; this holds the final rate.
 */
export function oneCycle(args: OneCycleOptions): Schedule {
  const known = ['maxLr', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor', 'annealStrategy', 'threePhase'];
  noUnknownKeys(args, known, 'oneCycle');
  const maxLr = rate(args.maxLr, 'oneCycle: maxLr');
  const totalSteps = steps(args.totalSteps, 'oneCycle: totalSteps', 1);
  const pctStart = rate(args.pctStart ?? 0.3, 'oneCycle: pctStart');
  if (pctStart > 1) throw new Error(`oneCycle: pctStart must be in [0, 1], got ${pctStart}`);
  const divFactor = positive(args.divFactor ?? 25, 'oneCycle: divFactor');
  const finalDivFactor = positive(args.finalDivFactor ?? 1e4, 'oneCycle: finalDivFactor');
  const annealStrategy = args.annealStrategy ?? 'cos';
  if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new Error(`oneCycle: annealStrategy must be 'cos' or 'linear', got ${annealStrategy}`);
  const threePhase = args.threePhase ?? false;
  if (typeof threePhase !== 'boolean') throw new Error(`oneCycle: threePhase must be true or false, got ${threePhase}`);

  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  const phases = threePhase
    ? [
      { end: pctStart * totalSteps - 1, from: initialLr, to: maxLr },
      { end: 2 * pctStart * totalSteps - 2, from: maxLr, to: initialLr },
      { end: totalSteps - 1, from: initialLr, to: minLr },
    ]
    : [
      { end: pctStart * totalSteps - 1, from: initialLr, to: maxLr },
      { end: totalSteps - 1, from: maxLr, to: minLr },
    ];
  // A phase of length 0 would divide by zero (PyTorch's ZeroDivisionError); say which numbers cause it.
  phases.forEach((phase, i) => {
    const start = i === 0 ? 0 : phases[i - 1]!.end;
    if (!(phase.end > start)) {
      throw new Error(`oneCycle: phase ${i + 1} of ${phases.length} is empty (steps ${start} to ${phase.end}); raise totalSteps (${totalSteps}) or change pctStart (${pctStart})`);
    }
  });
  const anneal = annealStrategy === 'cos'
    ? (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
    : (a: number, b: number, p: number) => (b - a) * p + a;
  const at = (t: number) => {
    const s = Math.min(t, totalSteps - 1);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i]!;
      if (s <= phase.end || i === phases.length - 1) return anneal(phase.from, phase.to, (s - start) / (phase.end - start));
      start = phase.end;
    }
    throw new Error('unreachable');
  };
  const config = { kind: 'oneCycle', maxLr, totalSteps, pctStart, divFactor, finalDivFactor, annealStrategy, threePhase };
  return defineSchedule(config, at, [0, ...phases.map((p) => Math.max(0, Math.floor(p.end))), totalSteps - 1]);
}
registerSchedule('oneCycle', (c) => oneCycle(optionsOf<OneCycleOptions>(c)));

/**
 * Schedules one after another, like PyTorch SequentialLR: schedules[i] runs from boundaries[i − 1]
 * (0 for the first) and starts at its own step 0 there. boundaries.length = schedules.length − 1.
 */
export function sequence(schedules: readonly LearningRate[], boundaries: readonly number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0) throw new Error('sequence: expected a non-empty array of schedules');
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw new Error(`sequence: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${Array.isArray(boundaries) ? boundaries.length : boundaries}`);
  }
  const parts = schedules.map((s, i) => toSchedule(s, `sequence: schedules[${i}]`));
  const bounds = boundaries.map((b, i) => steps(b, `sequence: boundaries[${i}]`, 1));
  bounds.forEach((b, i) => {
    if (i > 0 && b <= bounds[i - 1]!) throw new Error(`sequence: boundaries must be strictly increasing, got ${bounds.join(', ')}`);
  });
  const starts = [0, ...bounds];
  // Each part must be valid where it takes over and where it hands over.
  parts.forEach((part, i) => {
    checkRateAt(part, 0, `sequence: schedules[${i}]`);
    if (i < bounds.length) checkRateAt(part, bounds[i]! - starts[i]! - 1, `sequence: schedules[${i}]`);
  });
  const at = (t: number) => {
    let i = 0;
    while (i < bounds.length && t >= bounds[i]!) i++;
    return parts[i]!(t - starts[i]!);
  };
  return defineSchedule({ kind: 'sequence', schedules: parts.map((p) => p.config), boundaries: bounds }, at, starts);
}
registerSchedule('sequence', (c) => sequence((c.schedules as ScheduleConfig[]).map(scheduleFromConfig), c.boundaries as number[]));

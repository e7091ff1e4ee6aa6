// A moving average of the variables (Keras 3's use_ema, ema_momentum, ema_overwrite_frequency),
// updated after each update: avg ← momentum · avg + (1 − momentum) · p, written avg + (1 − momentum) ·
// (p − avg) so that the first update, which creates the average as a copy of p, leaves it exactly p
// (Keras: "the first update copies"). Every `overwriteFrequency` updates the averages are written into
// the variables; finalizeVariableValues does it once at the end. The averages are optimizer state,
// saved as `<variable>/average`.
import * as tfc from '@tensorflow/tfjs-core';
import type { SlotSpec } from './rules/rule.js';
import { describeValue } from './checks.js';

export const AVERAGE_SLOT: SlotSpec = { name: 'average', suffix: 'average', init: 0 };

export interface EmaOptions {
  useEma: boolean;
  /** Keras's default 0.99. */
  emaMomentum: number;
  /** Write the averages into the variables every this many updates (null: never). */
  emaOverwriteFrequency: number | null;
}

export const EMA_KEYS = ['useEma', 'emaMomentum', 'emaOverwriteFrequency'] as const;

export function checkEmaOptions(options: Readonly<Record<string, unknown>>, where: string): EmaOptions {
  const { useEma = false, emaMomentum, emaOverwriteFrequency } = options;
  if (typeof useEma !== 'boolean') throw new Error(`${where}: useEma must be true or false, got ${describeValue(useEma)}`);
  const momentum = emaMomentum ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new Error(`${where}: emaMomentum must be a number in [0, 1], got ${describeValue(momentum)}`);
  }
  const frequency = emaOverwriteFrequency ?? null;
  if (frequency !== null && (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 1)) {
    throw new Error(`${where}: emaOverwriteFrequency must be an integer >= 1 (or null for never), got ${describeValue(frequency)}`);
  }
  return { useEma, emaMomentum: momentum, emaOverwriteFrequency: frequency };
}

/** avg ← avg + (1 − momentum) · (p − avg). */
export function updateAverage(average: tfc.Variable, param: tfc.Variable, momentum: number): void {
  tfc.tidy(() => { average.assign(tfc.add(average, tfc.mul(1 - momentum, tfc.sub(param, average)))); });
}

/** Whether the update numbered `updates` (1-based, counting updates, not accumulation steps) writes the averages into the variables. */
export function overwritesAfter(updates: number, ema: EmaOptions): boolean {
  return ema.useEma && ema.emaOverwriteFrequency !== null && updates % ema.emaOverwriteFrequency === 0;
}

/** p ← avg for each pair. */
export function writeAverages(pairs: ReadonlyArray<readonly [tfc.Variable, tfc.Variable]>): void {
  for (const [param, average] of pairs) param.assign(average);
}

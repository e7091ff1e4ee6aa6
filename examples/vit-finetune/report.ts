// The printed tables: what the table's two fine-tunings learned (new digits) and kept (old digits),
// the sweep over decay and set size, and how the numbers were measured.
import type { ExperimentResults, SweepPoint } from './experiment.js';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function resultsTable(results: ExperimentResults): string {
  const rows: string[][] = [
    ['', 'digits 5–9 (new)', 'digits 0–4 (old)', 'final loss', 'training'],
    ['pre-trained, before fine-tuning', '–', pct(results.pretraining.oldDigitsAccuracy), results.pretraining.finalLoss.toFixed(3), `${results.pretraining.seconds.toFixed(0)} s`],
    ...results.fineTunings.map((f) => [`fine-tuned, ${f.label}`, pct(f.newDigitsAccuracy), pct(f.oldDigitsAccuracy), f.finalLoss.toFixed(3), `${f.seconds.toFixed(0)} s`]),
  ];
  const n = results.data.testImagesPerTask;
  return [
    ...alignColumns(rows),
    '',
    `Accuracy on held-out images (${n} per task, never trained on).`,
    'digits 5–9: the fine-tuned model with its new head.',
    'digits 0–4: the fine-tuned layers read through the head kept from pre-training; the drop from the',
    '            first row is what fine-tuning overwrote in the layers below the head.',
    `final loss: mean training loss of the last 10 steps. Fine-tuning data: ${results.data.finetuneImages[0]} images.`,
  ].join('\n');
}

/** Mean of each sweep point over its repeats, by set size then decay (largest first). */
export interface SweepSummary {
  images: number;
  steps: number;
  decay: number;
  repeats: number;
  newDigits: { mean: number; min: number; max: number };
  oldDigits: { mean: number; min: number; max: number };
}

export function summarizeSweep(points: readonly SweepPoint[]): SweepSummary[] {
  const keys = [...new Set(points.map((p) => `${p.images} ${p.decay}`))];
  const stats = (xs: number[]) => ({ mean: xs.reduce((s, x) => s + x, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });
  return keys.map((key) => {
    const same = points.filter((p) => `${p.images} ${p.decay}` === key);
    return {
      images: same[0]!.images,
      steps: same[0]!.steps,
      decay: same[0]!.decay,
      repeats: same.length,
      newDigits: stats(same.map((p) => p.newDigitsAccuracy)),
      oldDigits: stats(same.map((p) => p.oldDigitsAccuracy)),
    };
  }).sort((a, b) => b.images - a.images || b.decay - a.decay);
}

export function sweepTable(results: ExperimentResults): string {
  const summary = summarizeSweep(results.sweep);
  const sizes = [...new Set(summary.map((s) => s.images))];
  const stepsOf = (images: number) => summary.find((s) => s.images === images)!.steps;
  const decays = [...new Set(summary.map((s) => s.decay))];
  const repeats = summary[0]!.repeats;
  const cell = (x: SweepSummary['newDigits']) => (repeats > 1 ? `${pct(x.mean)} (${(100 * x.min).toFixed(1)}–${(100 * x.max).toFixed(1)})` : pct(x.mean));
  const at = (images: number, decay: number) => summary.find((s) => s.images === images && s.decay === decay)!;
  const rows: string[][] = [
    ['decay', ...sizes.flatMap((n) => [`${n} images, ${stepsOf(n)} steps: new`, 'old'])],
    ...decays.map((d) => [d === 1 ? '1 (one rate)' : String(d), ...sizes.flatMap((n) => [cell(at(n, d).newDigits), cell(at(n, d).oldDigits)])]),
  ];
  const best = sizes.map((n) => {
    const runs = summary.filter((s) => s.images === n);
    const top = runs.reduce((a, b) => (b.newDigits.mean > a.newDigits.mean ? b : a));
    const one = at(n, 1);
    const gain = 100 * (top.newDigits.mean - one.newDigits.mean);
    // How often the winner beats one rate with the same head and data order: a mean can win by one lucky run.
    const accuracyOf = (decay: number, repeat: number) => results.sweep.find((p) => p.images === n && p.decay === decay && p.repeat === repeat)!.newDigitsAccuracy;
    const wins = Array.from({ length: repeats }, (_, r) => r).filter((r) => accuracyOf(top.decay, r) > accuracyOf(1, r)).length;
    return `${n} images: best on digits 5–9 is ${top.decay === 1 ? 'one rate (decay 1)' : `decay ${top.decay}`}, ${pct(top.newDigits.mean)}` +
      (top.decay === 1 ? '' : ` (${gain >= 0 ? '+' : ''}${gain.toFixed(1)} points over one rate${repeats > 1 ? `, higher in ${wins} of ${repeats} repeats` : ''})`) +
      `; it keeps ${pct(top.oldDigits.mean)} of digits 0–4${top.decay === 1 ? '' : ` (one rate: ${pct(one.oldDigits.mean)})`}.`;
  });
  return [
    'The sweep: accuracy on digits 5–9 (new) and 0–4 (old, through the kept head) after fine-tuning,',
    repeats > 1
      ? `mean of ${repeats} fine-tunings per point (another new head and data order each), (min–max).`
      : 'one fine-tuning per point; --sweep repeats each 3 times to show how much another new head and data order move them.',
    '',
    ...alignColumns(rows),
    '',
    ...best,
  ].join('\n');
}

/** Left-aligned first column, right-aligned others, three spaces apart. */
function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
}

// The closing table: what each fine-tuning learned (new digits) and kept (old digits), and how the
// numbers were measured.
import type { ExperimentResults } from './experiment.js';

export function resultsTable(results: ExperimentResults): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const rows: string[][] = [
    ['', 'digits 5–9 (new)', 'digits 0–4 (old)', 'final loss', 'training'],
    ['pre-trained, before fine-tuning', '–', pct(results.pretraining.oldDigitsAccuracy), results.pretraining.finalLoss.toFixed(3), `${results.pretraining.seconds.toFixed(0)} s`],
    ...results.fineTunings.map((f) => [`fine-tuned, ${f.label}`, pct(f.newDigitsAccuracy), pct(f.oldDigitsAccuracy), f.finalLoss.toFixed(3), `${f.seconds.toFixed(0)} s`]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ');
  const n = results.data.testImagesPerTask;
  return [
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `Accuracy on held-out images (${n} per task, never trained on).`,
    'digits 5–9: the fine-tuned model with its new head.',
    'digits 0–4: the fine-tuned layers read through the head kept from pre-training; the drop from the',
    '            first row is what fine-tuning overwrote in the layers below the head.',
    `final loss: mean training loss of the last 10 steps. Fine-tuning data: ${results.data.finetuneImages} images.`,
  ].join('\n');
}

// `npm run example:mobilenet`: pre-train a small MobileNet v1 (Keras layer names) on digits 0–4,
// fine-tune it with a new head on digits 5–9 with one learning rate and with block-level decay and
// a frozen stem; print each run's groups and a comparison, and write results.json.
// Flags: see options.ts (`--help`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../vit-finetune/backend.js';
import { runExperiment, type MobileNetResults } from './experiment.js';
import { readOptions } from '../command-line.js';
import { parseOptions, USAGE } from './options.js';

export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const options = readOptions(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  await startBackend(options.backend);
  console.log(`backend ${tf.getBackend()}, seed ${options.seed}, ${options.pretrainSteps} pre-training steps, 2 × ${options.finetuneSteps} fine-tuning steps, batch ${options.batchSize}`);
  const results = await runExperiment(options, (label, table) => console.log(`\nFine-tuning with ${label}: the optimizer's groups\n${table}\n`));
  const table = resultsTable(results);
  console.log(`\n${table}\n`);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const wallSeconds = (performance.now() - started) / 1000;
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ backend: tf.getBackend(), options, wallSeconds, table, ...results }, null, 1)}\n`);
  console.log(`wrote results.json to ${out} (${wallSeconds.toFixed(0)} s in all)`);
  return 0;
}

function resultsTable(results: MobileNetResults): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const rows = [
    ['', 'digits 5–9 (new)', 'digits 0–4 (old)', 'training'],
    ['pre-trained, before fine-tuning', '–', pct(results.pretraining.oldDigitsAccuracy), `${results.pretraining.seconds.toFixed(0)} s`],
    ...results.fineTunings.map((f) => [`fine-tuned, ${f.label}`, pct(f.newDigitsAccuracy), pct(f.oldDigitsAccuracy), `${f.seconds.toFixed(0)} s`]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
  return [
    ...lines,
    '',
    `Accuracy on held-out images (${results.data.testImagesPerTask} per task). Digits 0–4 are read through the`,
    "pre-trained model's own head, on the fine-tuned backbone: the drop from the first row is what fine-tuning overwrote.",
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

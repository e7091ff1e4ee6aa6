// `npm run demo`: fine-tune a small ViT on real digits with one learning rate and with layer-wise
// decay, print the groups, the progress, a comparison and the sweep over decay and set size, and
// write lr-schedule.svg, training.svg, decay-sweep.svg and results.json. Flags: see options.ts (`--help`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from './backend.js';
import { lrScheduleSpec, renderSvg, sweepSpec, trainingSpec } from './charts.js';
import { runExperiment } from './experiment.js';
import { readOptions } from '../command-line.js';
import { parseOptions, USAGE } from './options.js';
import { resultsTable, summarizeSweep, sweepTable } from './report.js';

export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const options = readOptions(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  await startBackend(options.backend);
  const fineTunings = options.finetuneSets.map(({ perDigit, steps }) => `${options.sweepDecays.length * options.repeats} × ${steps} steps on ${5 * perDigit} images`);
  console.log(`backend ${tf.getBackend()}, engine ${options.engine}, seed ${options.seed}, ${options.pretrainSteps} pre-training steps, fine-tuning ${fineTunings.join(' and ')}, batch ${options.batchSize}\n`);

  const results = await runExperiment(options, {
    showProgress: true,
    onGroups: (label, table) => console.log(`\nFine-tuning with ${label}: the optimizer's groups\n${table}\n`),
  });
  const table = resultsTable(results);
  const sweep = sweepTable(results);
  console.log(`\n${table}\n\n${sweep}\n`);

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const decayed = results.fineTunings.find((f) => f.decay !== 1) ?? results.fineTunings[0]!;
  await writeFile(join(out, 'lr-schedule.svg'), await renderSvg(lrScheduleSpec(decayed.history, decayed.groups,
    `Learning rate of each group while fine-tuning with ${decayed.label} (warmup + cosine × lrScale)`)));
  await writeFile(join(out, 'training.svg'), await renderSvg(trainingSpec(
    results.fineTunings.map((f) => ({ label: f.label, records: f.history })), 'Fine-tuning on digits 5–9: training loss')));
  await writeFile(join(out, 'decay-sweep.svg'), await renderSvg(sweepSpec(summarizeSweep(results.sweep), results.pretraining.oldDigitsAccuracy,
    'Fine-tuning on digits 5–9: learned vs kept, by layer-wise decay')));
  const wallSeconds = (performance.now() - started) / 1000;
  await writeFile(join(out, 'results.json'), `${JSON.stringify({
    command: `node dist/examples/vit-finetune/main.js ${argv.join(' ')}`.trim(),
    backend: tf.getBackend(),
    options,
    wallSeconds,
    table,
    sweepTable: sweep,
    ...results,
  }, null, 1)}\n`);
  console.log(`wrote lr-schedule.svg, training.svg, decay-sweep.svg and results.json to ${out} (${wallSeconds.toFixed(0)} s in all)`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

// `npm run example:unfreeze`: pre-train a small MobileNet v1 on digits 0–4, fine-tune it with a new
// head on digits 5–9 all at once, with gradual unfreezing and head only; print each epoch and a table
// of the final numbers, and write results.json and unfreezing.svg.
// Flags: see options.ts (`--help`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../vit-finetune/backend.js';
import { renderSvg } from '../vit-finetune/charts.js';
import { unfreezingSpec } from './chart.js';
import { runExperiment, type EpochRecord, type FineTuning, type UnfreezingResults } from './experiment.js';
import { layerGroupName } from './layer-states.js';
import { readOptions } from '../command-line.js';
import { parseOptions, USAGE, type GradualUnfreezingOptions } from './options.js';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const options = readOptions(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  await startBackend(options.backend);
  const stepsPerEpoch = (5 * options.finetunePerDigit) / options.finetuneBatchSize;
  console.log(`backend ${tf.getBackend()}, seed ${options.seed}, ${options.pretrainSteps} pre-training steps, 3 fine-tunings × ${options.epochs} epochs of ${stepsPerEpoch} steps (batch ${options.finetuneBatchSize}), learning rate ${options.lr}, gradual: one more layer group every ${options.every} epoch${options.every > 1 ? 's' : ''}\n`);
  let numLayers = 0;
  const results = await runExperiment(
    options,
    (run, record) => {
      numLayers = record.layers.length - 1;
      console.log(epochLine(run, record, numLayers));
    },
    (run, change) => console.log(`${run.label.padEnd(20)} epoch ${String(change.epoch + 1).padStart(2)} begins: ${change.joined} trains from here (layer ids ≥ ${change.below}, ${change.trainableVariables} variables)`),
  );
  const table = resultsTable(results, options);
  console.log(`\n${table}\n`);

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const title = `Fine-tuning a pre-trained MobileNet on ${results.data.finetuneImages} images of new digits: all at once, gradually unfrozen, head only`;
  await writeFile(join(out, 'unfreezing.svg'), await renderSvg(unfreezingSpec(results.fineTunings, title)));
  const wallSeconds = (performance.now() - started) / 1000;
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ backend: tf.getBackend(), options, wallSeconds, table, ...results }, null, 1)}\n`);
  console.log(`wrote unfreezing.svg and results.json to ${out} (${wallSeconds.toFixed(0)} s in all)`);
  return 0;
}

/** One line per epoch: its loss, both accuracies, and what trained in it. */
function epochLine(run: FineTuning, record: EpochRecord, numLayers: number): string {
  const trained = record.frozenBelow === 0 ? 'everything' : record.frozenBelow === numLayers ? 'the head' : `${layerGroupName(record.frozenBelow, numLayers)} up to the head`;
  const loss = record.loss === null ? 'before fine-tuning' : `loss ${record.loss.toFixed(3)}, trained ${trained}`;
  return `${run.label.padEnd(20)} epoch ${String(record.epoch).padStart(2)}   new ${pct(record.newDigitsAccuracy).padStart(7)}   old ${pct(record.oldDigitsAccuracy).padStart(7)}   ${loss}`;
}

function resultsTable(results: UnfreezingResults, options: GradualUnfreezingOptions): string {
  const describe: Record<FineTuning['kind'], string> = {
    all: 'all layers at once',
    gradual: `gradual unfreezing, one more group every ${options.every === 1 ? 'epoch' : `${options.every} epochs`}`,
    head: 'head only, everything below it frozen',
  };
  const rows = [
    ['', 'digits 5–9 (new)', 'digits 0–4 (old)', 'final loss'],
    ['pre-trained, before fine-tuning', '–', pct(results.pretraining.oldDigitsAccuracy), '–'],
    ...results.fineTunings.map((f) => {
      const last = f.epochs.at(-1)!;
      return [describe[f.kind], pct(last.newDigitsAccuracy), pct(last.oldDigitsAccuracy), last.loss!.toFixed(3)];
    }),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
  return [
    `After ${options.epochs} epochs on ${results.data.finetuneImages} images of digits 5–9:`,
    ...lines,
    '',
    `Accuracy on held-out images (${results.data.testImagesPerTask} per task); final loss: the training loss of the last epoch.`,
    "Digits 0–4 are read through the pre-trained model's own head, on the fine-tuned backbone.",
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

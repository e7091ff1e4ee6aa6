// `npm run demo`: fine-tune a small ViT on real digits with one learning rate and with layer-wise
// decay, print the groups, the progress and a comparison, and write lr-schedule.svg, training.svg
// and results.json. Flags: see options.ts (`--help`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from './backend.js';
import { lrScheduleSpec, renderSvg, trainingSpec } from './charts.js';
import { runExperiment } from './experiment.js';
import { parseOptions, USAGE } from './options.js';
import { resultsTable } from './report.js';

export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n(see --help)`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  await startBackend(options.backend);
  console.log(`backend ${tf.getBackend()}, seed ${options.seed}, ${options.pretrainSteps} pre-training steps, 2 × ${options.finetuneSteps} fine-tuning steps, batch ${options.batchSize}\n`);

  const results = await runExperiment(options, {
    showProgress: true,
    onGroups: (label, table) => console.log(`\nFine-tuning with ${label}: the optimizer's groups\n${table}\n`),
  });
  const table = resultsTable(results);
  console.log(`\n${table}\n`);

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const decayed = results.fineTunings.find((f) => f.decay !== 1) ?? results.fineTunings[0]!;
  await writeFile(join(out, 'lr-schedule.svg'), await renderSvg(lrScheduleSpec(decayed.history, decayed.groups,
    `Learning rate of each group while fine-tuning with ${decayed.label} (warmup + cosine × lrScale)`)));
  await writeFile(join(out, 'training.svg'), await renderSvg(trainingSpec(
    results.fineTunings.map((f) => ({ label: f.label, records: f.history })), 'Fine-tuning on digits 5–9: training loss')));
  const wallSeconds = (performance.now() - started) / 1000;
  await writeFile(join(out, 'results.json'), `${JSON.stringify({
    command: `node dist/examples/vit-finetune/main.js ${argv.join(' ')}`.trim(),
    backend: tf.getBackend(),
    options,
    wallSeconds,
    table,
    ...results,
  }, null, 1)}\n`);
  console.log(`wrote lr-schedule.svg, training.svg and results.json to ${out} (${wallSeconds.toFixed(0)} s in all)`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

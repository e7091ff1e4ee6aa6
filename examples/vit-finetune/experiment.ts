// The experiment: pre-train a small ViT on digits 0–4, then fine-tune it on digits 5–9 many times
// from the same pre-trained weights, changing only the layer-wise decay of the learning rate and the
// number of fine-tuning images (the sweep), and, with --sweep, the random seed of the new head and of the
// data order (the repeats).
//
// Every fine-tuning replaces the 5-way head with a fresh one (new classes need a new head, as when a
// ViT pre-trained on ImageNet is fine-tuned on another data set) and uses AdamW from this package
// with the same warmup + cosine schedule, weight decay and number of steps; runs of the same set
// size and repeat get the same head and see the same batches in the same order, so they differ in
// `decay` only: 1 (every group at lrScale 1: one learning rate) or e.g. 0.75 (layer-wise decay).
import * as tf from '@tensorflow/tfjs';
import { install, schedules, type GroupedOptimizer, describeGroups, layerDecayGroups } from '../../src/index.js';
import { loadSplit, trainingStream, type DigitSet } from './digits.js';
import { accuracy, accuracyWithHead } from './evaluate.js';
import { seededRandom } from './random.js';
import { fitAndRecord, type StepRecord } from './train.js';
import { buildVit, SMALL_VIT } from './vit.js';
import type { GroupInfo } from './charts.js';
import type { DemoOptions } from './options.js';

// install(tf) teaches tf.train.* to take parameter groups and adds tf.train.adamw; it returns tf
// typed so (the same object at run time).
const { train } = install(tf);

/** One fine-tuning's numbers: a point of the sweep. */
export interface SweepPoint {
  /** Fine-tuning images (digits 5–9). */
  images: number;
  steps: number;
  decay: number;
  /** 0 for the default run; 1, 2 with --sweep (another head initialization and data order). */
  repeat: number;
  /** Held-out digits 5–9 through the fine-tuned head. */
  newDigitsAccuracy: number;
  /** Held-out digits 0–4 through the head kept from pre-training (see evaluate.ts). */
  oldDigitsAccuracy: number;
  /** Mean training loss of the last 10 steps. */
  finalLoss: number;
  /** Training time (the evaluations excluded). */
  seconds: number;
}

/** A fine-tuning of the closing table: its numbers, its groups and every step. */
export interface FineTuning extends SweepPoint {
  label: string;
  groups: GroupInfo[];
  /** describeGroups' printable table. */
  groupTable: string;
  history: StepRecord[];
}

export interface ExperimentResults {
  pretraining: { steps: number; seconds: number; oldDigitsAccuracy: number; finalLoss: number };
  /** The fine-tunings' schedule on each set, in the order of options.finetuneSets. */
  schedules: Array<Record<string, unknown>>;
  /** The table's two runs: the first set size, repeat 0, decay 1 and options.decay. */
  fineTunings: FineTuning[];
  /** Every fine-tuning, the table's two included. */
  sweep: SweepPoint[];
  data: { pretrainImages: number; finetuneImages: number[]; testImagesPerTask: number };
}

export interface ExperimentHooks {
  /** Called with the group table of each of the table's runs before it trains. */
  onGroups?: (label: string, table: string) => void;
  showProgress: boolean;
}

export async function runExperiment(options: DemoOptions, hooks: ExperimentHooks): Promise<ExperimentResults> {
  const old = loadSplit({ digits: [0, 1, 2, 3, 4], trainPerDigit: options.pretrainPerDigit, testPerDigit: options.testPerDigit });
  const freshTest = loadSplit({ digits: [5, 6, 7, 8, 9], trainPerDigit: 0, testPerDigit: options.testPerDigit }).test;
  const model = buildVit({ ...SMALL_VIT, seed: options.seed });

  // 1. Pre-training on digits 0–4: one learning rate (decay 1), as pre-training is.
  const pretrainSchedule = schedules.warmupCosine({ lr: options.pretrainLr, warmupSteps: Math.round(options.pretrainSteps / 10), totalSteps: options.pretrainSteps, minLr: 1e-5 });
  let started = performance.now();
  const pretrainOptimizer = train.adamw(layerDecayGroups(model, { decay: 1, arch: 'vit', weightDecay: options.weightDecay }), { learningRate: pretrainSchedule, engine: options.engine });
  const pretrainHistory = await trainOn(model, pretrainOptimizer, old.train, options.pretrainSteps, options, 'pre-train 0–4', options.seed + 1, hooks);
  const pretraining = {
    steps: options.pretrainSteps,
    seconds: (performance.now() - started) / 1000,
    oldDigitsAccuracy: await accuracy(model, old.test),
    finalLoss: meanLoss(pretrainHistory),
  };
  pretrainOptimizer.dispose();
  const pretrained = model.getWeights().map((w) => w.clone());
  const pretrainedHead = model.getLayer('head').getWeights().map((w) => w.clone());

  // 2. The fine-tunings on digits 5–9, each from the pre-trained weights.
  const fineTunings: FineTuning[] = [];
  const sweep: SweepPoint[] = [];
  const finetuneImages: number[] = [];
  const fineTuneSchedules: Array<Record<string, unknown>> = [];
  for (const { perDigit, steps } of options.finetuneSets) {
    const schedule = schedules.warmupCosine({ lr: options.lr, warmupSteps: Math.round(steps / 10), totalSteps: steps, minLr: 1e-6 });
    fineTuneSchedules.push({ ...schedule.config });
    const set = loadSplit({ digits: [5, 6, 7, 8, 9], trainPerDigit: perDigit, testPerDigit: 0 }).train;
    finetuneImages.push(set.size);
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const newHead = freshHeadWeights(model, options.seed + 1000 + 100 * repeat);
      for (const decay of options.sweepDecays) {
        const inTable = perDigit === options.finetuneSets[0]!.perDigit && repeat === 0 && (decay === 1 || decay === options.decay);
        const label = decay === 1 ? 'one learning rate' : `layer-wise decay ${decay}`;
        model.setWeights(pretrained);
        model.getLayer('head').setWeights(newHead);
        const groups = layerDecayGroups(model, { decay, arch: 'vit', weightDecay: options.weightDecay });
        const description = describeGroups(groups);
        if (inTable) hooks.onGroups?.(label, description.table);
        started = performance.now();
        const optimizer = train.adamw(groups, { learningRate: schedule, engine: options.engine });
        const progressLabel = `fine-tune ${set.size}, ${decay === 1 ? 'one lr' : `decay ${decay}`}${repeat > 0 ? ` #${repeat + 1}` : ''}`;
        const history = await trainOn(model, optimizer, set, steps, options, progressLabel, options.seed + 2 + 100 * repeat, hooks);
        const seconds = (performance.now() - started) / 1000;
        optimizer.dispose();
        const point: SweepPoint = {
          images: set.size,
          steps,
          decay,
          repeat,
          newDigitsAccuracy: await accuracy(model, freshTest),
          oldDigitsAccuracy: await accuracyWithHead(model, pretrainedHead, old.test),
          finalLoss: meanLoss(history),
          seconds,
        };
        sweep.push(point);
        if (inTable) {
          const groupInfo = description.rows.map((r) => ({ name: r.group, lrScale: r.lrScale, layers: r.layers, weightDecay: r.weightDecay }));
          fineTunings.push({ ...point, label, groups: groupInfo, groupTable: description.table, history });
        }
      }
      tf.dispose(newHead);
    }
  }
  tf.dispose([...pretrained, ...pretrainedHead]);
  model.dispose();
  return {
    pretraining,
    schedules: fineTuneSchedules,
    fineTunings,
    sweep,
    data: { pretrainImages: old.train.size, finetuneImages, testImagesPerTask: freshTest.size },
  };
}

async function trainOn(model: tf.LayersModel, optimizer: GroupedOptimizer, set: DigitSet, steps: number, options: DemoOptions, label: string, seed: number, hooks: ExperimentHooks) {
  const stream = trainingStream(set, steps, options.batchSize, seededRandom(seed));
  try {
    return await fitAndRecord(model, optimizer, stream, { label, batchSize: options.batchSize, showProgress: hooks.showProgress });
  } finally {
    stream.xs.dispose();
    stream.ys.dispose();
  }
}

/** A new head, initialized as buildVit initializes layers (Glorot uniform kernel, zero bias), from its own seed. */
function freshHeadWeights(model: tf.LayersModel, seed: number): tf.Tensor[] {
  const [kernel, bias] = model.getLayer('head').getWeights();
  return [tf.initializers.glorotUniform({ seed }).apply(kernel!.shape), tf.zeros(bias!.shape)];
}

function meanLoss(history: readonly StepRecord[]): number {
  const last = history.slice(-10);
  return last.reduce((s, r) => s + r.loss, 0) / last.length;
}

// The experiment: pre-train a small ViT on digits 0–4, then fine-tune it on digits 5–9 twice from
// the same pre-trained weights, changing one thing only: the layer-wise decay of the learning rate.
//
// Both fine-tunings replace the 5-way head with the same fresh one (new classes need a new head,
// as when a ViT pre-trained on ImageNet is fine-tuned on another data set), use AdamW from this
// package with the same warmup + cosine schedule, weight decay and data order, and differ in
// `decay` only: 1 (every group at lrScale 1: one learning rate) or e.g. 0.7 (layer-wise decay).
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

export interface FineTuning {
  label: string;
  decay: number;
  groups: GroupInfo[];
  /** describeGroups' printable table. */
  groupTable: string;
  /** Held-out digits 5–9 through the fine-tuned head. */
  newDigitsAccuracy: number;
  /** Held-out digits 0–4 through the head kept from pre-training (see evaluate.ts). */
  oldDigitsAccuracy: number;
  /** Mean training loss of the last 10 steps. */
  finalLoss: number;
  /** Training time (the evaluations excluded). */
  seconds: number;
  history: StepRecord[];
}

export interface ExperimentResults {
  pretraining: { steps: number; seconds: number; oldDigitsAccuracy: number; finalLoss: number };
  schedule: Record<string, unknown>;
  fineTunings: FineTuning[];
  data: { pretrainImages: number; finetuneImages: number; testImagesPerTask: number };
}

export interface ExperimentHooks {
  /** Called with each run's group table before it trains. */
  onGroups?: (label: string, table: string) => void;
  showProgress: boolean;
}

export async function runExperiment(options: DemoOptions, hooks: ExperimentHooks): Promise<ExperimentResults> {
  const old = loadSplit({ digits: [0, 1, 2, 3, 4], trainPerDigit: options.pretrainPerDigit, testPerDigit: options.testPerDigit });
  const fresh = loadSplit({ digits: [5, 6, 7, 8, 9], trainPerDigit: options.finetunePerDigit, testPerDigit: options.testPerDigit });
  const model = buildVit({ ...SMALL_VIT, seed: options.seed });

  // 1. Pre-training on digits 0–4: one learning rate (decay 1), as pre-training is.
  const pretrainSchedule = schedules.warmupCosine({ lr: options.pretrainLr, warmupSteps: Math.round(options.pretrainSteps / 10), totalSteps: options.pretrainSteps, minLr: 1e-5 });
  let started = performance.now();
  const pretrainOptimizer = train.adamw(layerDecayGroups(model, { decay: 1, arch: 'vit', weightDecay: options.weightDecay }), { learningRate: pretrainSchedule });
  const pretrainHistory = await trainOn(model, pretrainOptimizer, old.train, options.pretrainSteps, options, 'pre-train 0–4', options.seed + 1, hooks);
  const pretrainSeconds = (performance.now() - started) / 1000;
  const pretraining = {
    steps: options.pretrainSteps,
    seconds: pretrainSeconds,
    oldDigitsAccuracy: await accuracy(model, old.test),
    finalLoss: meanLoss(pretrainHistory),
  };
  const pretrained = model.getWeights().map((w) => w.clone());
  const pretrainedHead = model.getLayer('head').getWeights().map((w) => w.clone());
  const newHead = freshHeadWeights(model, options.seed + 1000);

  // 2. Two fine-tunings on digits 5–9 from the same weights.
  const warmupSteps = Math.round(options.finetuneSteps / 10);
  const schedule = schedules.warmupCosine({ lr: options.lr, warmupSteps, totalSteps: options.finetuneSteps, minLr: 1e-6 });
  const fineTunings: FineTuning[] = [];
  for (const [label, decay] of [['one learning rate', 1], [`layer-wise decay ${options.decay}`, options.decay]] as const) {
    model.setWeights(pretrained);
    model.getLayer('head').setWeights(newHead);
    const groups = layerDecayGroups(model, { decay, arch: 'vit', weightDecay: options.weightDecay });
    const description = describeGroups(groups);
    hooks.onGroups?.(label, description.table);
    started = performance.now();
    const optimizer = train.adamw(groups, { learningRate: schedule });
    const history = await trainOn(model, optimizer, fresh.train, options.finetuneSteps, options, `fine-tune 5–9, ${decay === 1 ? 'one lr' : `decay ${decay}`}`, options.seed + 2, hooks);
    const seconds = (performance.now() - started) / 1000;
    fineTunings.push({
      label,
      decay,
      groups: description.rows.map((r) => ({ name: r.group, lrScale: r.lrScale, layers: r.layers, weightDecay: r.weightDecay })),
      groupTable: description.table,
      newDigitsAccuracy: await accuracy(model, fresh.test),
      oldDigitsAccuracy: await accuracyWithHead(model, pretrainedHead, old.test),
      finalLoss: meanLoss(history),
      seconds,
      history,
    });
    optimizer.dispose();
  }
  pretrainOptimizer.dispose();
  [...pretrained, ...pretrainedHead, ...newHead].forEach((t) => t.dispose());
  model.dispose();
  return {
    pretraining,
    schedule: { ...schedule.config },
    fineTunings,
    data: { pretrainImages: old.train.size, finetuneImages: fresh.train.size, testImagesPerTask: fresh.test.size },
  };
}

async function trainOn(model: tf.LayersModel, optimizer: GroupedOptimizer, set: DigitSet, steps: number, options: DemoOptions, label: string, seed: number, hooks: ExperimentHooks) {
  // The same seed for both fine-tunings: they see the same batches in the same order.
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

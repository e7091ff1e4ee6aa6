// The experiment: pre-train a small MobileNet v1 on digits 0–4, cut it after its last block, put a
// new head on it (the tfjs transfer-learning shape: tf.sequential([backbone, pool, head])), and
// fine-tune that on digits 5–9 twice from the same weights: with one learning rate, and with
// block-level decay (layerDecayGroups reads the Keras layer names: stem 0, block N -> N, the new
// head at the top) and a frozen stem (freezeBelow: the stem's scale is the only one below block 1's,
// so its group gets lrScale 0).
import * as tf from '@tensorflow/tfjs';
import { describeGroups, install, layerDecayGroups, schedules, type LayerDecayOptions } from '../../src/index.js';
import { loadSplit, trainingStream, type DigitSet } from '../vit-finetune/digits.js';
import { accuracy } from '../vit-finetune/evaluate.js';
import { seededRandom } from '../vit-finetune/random.js';
import { fitAndRecord, type StepRecord } from '../vit-finetune/train.js';
import { SMALL_MOBILENET, buildMobileNet, withNewHead } from './mobilenet.js';
import type { MobileNetOptions } from './options.js';

const { train } = install(tf);

export interface FineTuning {
  label: string;
  decay: number;
  frozenStem: boolean;
  numLayers: number;
  groups: Array<{ name: string; layers: string; lrScale: number; weightDecay: number | null }>;
  groupTable: string;
  newDigitsAccuracy: number;
  /** Digits 0–4 through the pre-trained model's own head, reading the fine-tuned backbone. */
  oldDigitsAccuracy: number;
  /** The stem's weights after fine-tuning equal those before (checked, not assumed). */
  stemUnchanged: boolean;
  history: StepRecord[];
  seconds: number;
}

export interface MobileNetResults {
  pretraining: { steps: number; oldDigitsAccuracy: number; seconds: number };
  schedule: Record<string, unknown>;
  fineTunings: FineTuning[];
  data: { pretrainImages: number; finetuneImages: number; testImagesPerTask: number };
}

export async function runExperiment(options: MobileNetOptions, onGroups: (label: string, table: string) => void): Promise<MobileNetResults> {
  const old = loadSplit({ digits: [0, 1, 2, 3, 4], trainPerDigit: options.pretrainPerDigit, testPerDigit: options.testPerDigit });
  const fresh = loadSplit({ digits: [5, 6, 7, 8, 9], trainPerDigit: options.finetunePerDigit, testPerDigit: options.testPerDigit });
  const pretrained = buildMobileNet({ ...SMALL_MOBILENET, seed: options.seed });

  // 1. Pre-training on digits 0–4, one learning rate.
  let started = performance.now();
  const pretrainSchedule = schedules.warmupCosine({ lr: options.pretrainLr, warmupSteps: Math.round(options.pretrainSteps / 10), totalSteps: options.pretrainSteps, minLr: 1e-5 });
  const pretrainOptimizer = train.adamw(layerDecayGroups(pretrained, { decay: 1, weightDecay: options.weightDecay }), { learningRate: pretrainSchedule });
  await trainOn(pretrained, pretrainOptimizer, old.train, options.pretrainSteps, options, 'pre-train 0–4', options.seed + 1);
  pretrainOptimizer.dispose();
  const pretraining = { steps: options.pretrainSteps, oldDigitsAccuracy: await accuracy(pretrained, old.test), seconds: (performance.now() - started) / 1000 };
  const pretrainedWeights = pretrained.getWeights().map((w) => w.clone());

  // 2. Two fine-tunings of the cut backbone with a new head, from the same weights and the same head init.
  const schedule = schedules.warmupCosine({ lr: options.lr, warmupSteps: Math.round(options.finetuneSteps / 10), totalSteps: options.finetuneSteps, minLr: 1e-6 });
  const runs = [
    { label: 'one learning rate', decay: 1, frozenStem: false },
    { label: `block-level decay ${options.decay}, frozen stem`, decay: options.decay, frozenStem: true },
  ];
  const fineTunings: FineTuning[] = [];
  for (const run of runs) {
    pretrained.setWeights(pretrainedWeights);
    const model = withNewHead(pretrained, SMALL_MOBILENET, options.seed + 1000);
    const layerDecay: LayerDecayOptions = { decay: run.decay, weightDecay: options.weightDecay };
    if (run.frozenStem) {
      // scales[0] < scales[1] for decay < 1: below block 1's scale is the stem alone.
      layerDecay.freezeBelow = layerDecayGroups(model, layerDecay).scales[1];
    }
    const groups = layerDecayGroups(model, layerDecay);
    const description = describeGroups(groups);
    onGroups(run.label, description.table);
    const stemBefore = pretrained.getLayer('conv1').getWeights()[0]!.dataSync().slice();
    started = performance.now();
    const optimizer = train.adamw(groups, { learningRate: schedule });
    const history = await trainOn(model, optimizer, fresh.train, options.finetuneSteps, options, run.frozenStem ? `fine-tune 5–9, decay ${run.decay}` : 'fine-tune 5–9, one lr', options.seed + 2);
    const seconds = (performance.now() - started) / 1000;
    optimizer.dispose();
    const stemAfter = pretrained.getLayer('conv1').getWeights()[0]!.dataSync();
    fineTunings.push({
      ...run,
      numLayers: groups.numLayers,
      groups: description.rows.map((r) => ({ name: r.group, layers: r.layers, lrScale: r.lrScale, weightDecay: r.weightDecay })),
      groupTable: description.table,
      newDigitsAccuracy: await accuracy(model, fresh.test),
      oldDigitsAccuracy: await accuracy(pretrained, old.test),
      stemUnchanged: stemAfter.every((v, i) => v === stemBefore[i]),
      history,
      seconds,
    });
  }
  tf.dispose(pretrainedWeights);
  return {
    pretraining,
    schedule: { ...schedule.config },
    fineTunings,
    data: { pretrainImages: old.train.size, finetuneImages: fresh.train.size, testImagesPerTask: fresh.test.size },
  };
}

async function trainOn(model: tf.LayersModel, optimizer: tf.Optimizer, set: DigitSet, steps: number, options: MobileNetOptions, label: string, seed: number) {
  const stream = trainingStream(set, steps, options.batchSize, seededRandom(seed));
  try {
    return await fitAndRecord(model, optimizer, stream, { label, batchSize: options.batchSize, showProgress: !options.quick });
  } finally {
    tf.dispose([stream.xs, stream.ys]);
  }
}

// Pre-training of the small MobileNet on digits 0–4 with one learning rate, and the seeded training
// loop both MobileNet examples use: this one fine-tunes it with block-level decay, and
// examples/gradual-unfreezing fine-tunes the same pre-trained model with gradual unfreezing.
import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups, schedules } from '../../src/index.js';
import { loadSplit, trainingStream, type DigitSet } from '../vit-finetune/digits.js';
import { accuracy } from '../vit-finetune/evaluate.js';
import { seededRandom } from '../vit-finetune/random.js';
import { fitAndRecord } from '../vit-finetune/train.js';
import { SMALL_MOBILENET, buildMobileNet } from './mobilenet.js';
import type { MobileNetOptions } from './options.js';

const { train } = install(tf);

export type PretrainOptions = Pick<MobileNetOptions, 'seed' | 'pretrainSteps' | 'pretrainLr' | 'pretrainPerDigit' | 'testPerDigit' | 'weightDecay' | 'batchSize' | 'quick'>;

export interface Pretrained {
  model: tf.LayersModel;
  /** Digits 0–4: the pre-training images and the held-out ones. */
  old: { train: DigitSet; test: DigitSet };
  pretraining: { steps: number; oldDigitsAccuracy: number; seconds: number };
}

export async function pretrainOnOldDigits(options: PretrainOptions): Promise<Pretrained> {
  const old = loadSplit({ digits: [0, 1, 2, 3, 4], trainPerDigit: options.pretrainPerDigit, testPerDigit: options.testPerDigit });
  const model = buildMobileNet({ ...SMALL_MOBILENET, seed: options.seed });
  const started = performance.now();
  const schedule = schedules.warmupCosine({ lr: options.pretrainLr, warmupSteps: Math.round(options.pretrainSteps / 10), totalSteps: options.pretrainSteps, minLr: 1e-5 });
  const optimizer = train.adamw(layerDecayGroups(model, { decay: 1, weightDecay: options.weightDecay }), { learningRate: schedule });
  await trainOn(model, optimizer, old.train, options.pretrainSteps, options, 'pre-train 0–4', options.seed + 1);
  optimizer.dispose();
  const pretraining = { steps: options.pretrainSteps, oldDigitsAccuracy: await accuracy(model, old.test), seconds: (performance.now() - started) / 1000 };
  return { model, old, pretraining };
}

/** `steps` batches of `set` in an order drawn from `seed`, through model.fit (see vit-finetune/train.ts). */
export async function trainOn(model: tf.LayersModel, optimizer: tf.Optimizer, set: DigitSet, steps: number, options: Pick<MobileNetOptions, 'batchSize' | 'quick'>, label: string, seed: number) {
  const stream = trainingStream(set, steps, options.batchSize, seededRandom(seed));
  try {
    return await fitAndRecord(model, optimizer, stream, { label, batchSize: options.batchSize, showProgress: !options.quick });
  } finally {
    tf.dispose([stream.xs, stream.ys]);
  }
}

// The experiment: the MobileNet example's pre-training (digits 0–4), then the backbone cut after its
// last block with a new head and fine-tuned on 100 images of digits 5–9 three times, from the same
// weights, the same new head and the same data order, at one constant learning rate. The three runs
// differ only in what is frozen when:
//   all layers at once   nothing frozen;
//   gradual unfreezing   unfreezeCallback: the head alone first, then one more layer id (block 5,
//                        4, ..., 1, the stem) every `every` epochs, as ULMFiT unfreezes;
//   head only            freezeLayers(model, groups, numLayers), fastai's freeze(): everything
//                        below the head stays as pre-trained.
// After each epoch it records the epoch's training loss, the accuracy on digits 5–9 and on digits
// 0–4 (through the pre-trained head), and which layer groups have moved (layer-states.ts).
import * as tf from '@tensorflow/tfjs';
import { freezeLayers, install, layerDecayGroups, unfreezeCallback, type LayerDecayGroups } from '../../src/index.js';
import { SMALL_MOBILENET, withNewHead } from '../mobilenet-finetune/mobilenet.js';
import { pretrainOnOldDigits } from '../mobilenet-finetune/pretrain.js';
import { loadSplit, trainingStream, type DigitSet } from '../vit-finetune/digits.js';
import { accuracy } from '../vit-finetune/evaluate.js';
import { seededRandom } from '../vit-finetune/random.js';
import { layerGroupName, startingPoint, type LayerState } from './layer-states.js';
import type { GradualUnfreezingOptions } from './options.js';

const { train } = install(tf);

export type RunKind = 'all' | 'gradual' | 'head';
const RUNS: ReadonlyArray<{ kind: RunKind; label: string }> = [
  { kind: 'all', label: 'all layers at once' },
  { kind: 'gradual', label: 'gradual unfreezing' },
  { kind: 'head', label: 'head only' },
];

export interface EpochRecord {
  /** Epochs done: 0 is before fine-tuning. */
  epoch: number;
  /** The mean training loss of this epoch (model.fit's epoch log); null at epoch 0. */
  loss: number | null;
  newDigitsAccuracy: number;
  /** Digits 0–4 through the pre-trained model's own head, reading the fine-tuned backbone. */
  oldDigitsAccuracy: number;
  /** Layer ids below this were frozen during this epoch (0: nothing frozen). */
  frozenBelow: number;
  /** Per layer id, whether its variables still equal their values before fine-tuning. */
  layers: LayerState[];
}

/** One call of unfreezeCallback's onUnfreeze: from `epoch` on, layer ids below `below` are frozen. */
export interface Unfreeze {
  epoch: number;
  below: number;
  /** The layer group that starts training at this epoch. */
  joined: string;
  trainableVariables: number;
}

export interface FineTuning {
  kind: RunKind;
  label: string;
  epochs: EpochRecord[];
  unfreezes: Unfreeze[];
  /** Training and the evaluations after each epoch. */
  seconds: number;
}

export interface UnfreezingResults {
  pretraining: { steps: number; oldDigitsAccuracy: number; seconds: number };
  numLayers: number;
  fineTunings: FineTuning[];
  data: { pretrainImages: number; finetuneImages: number; testImagesPerTask: number };
}

export async function runExperiment(options: GradualUnfreezingOptions, onEpoch: (run: FineTuning, record: EpochRecord) => void, onUnfreeze: (run: FineTuning, change: Unfreeze) => void): Promise<UnfreezingResults> {
  const fresh = loadSplit({ digits: [5, 6, 7, 8, 9], trainPerDigit: options.finetunePerDigit, testPerDigit: options.testPerDigit });
  const { model: pretrained, old, pretraining } = await pretrainOnOldDigits(options);
  const pretrainedWeights = pretrained.getWeights().map((w) => w.clone());
  const fineTunings: FineTuning[] = [];
  let numLayers = 0;
  for (const { kind, label } of RUNS) {
    pretrained.setWeights(pretrainedWeights);
    const model = withNewHead(pretrained, SMALL_MOBILENET, options.seed + 1000);
    // decay 1: one learning rate for every group; the groups carry the layer ids that freezing reads.
    const groups = layerDecayGroups(model, { decay: 1, weightDecay: options.weightDecay });
    numLayers = groups.numLayers;
    const run: FineTuning = { kind, label, epochs: [], unfreezes: [], seconds: 0 };
    const started = performance.now();
    try {
      await fineTune(model, groups, run, { pretrained, old: old.test, fresh: fresh.train, freshTest: fresh.test }, options, {
        onEpoch: (record) => onEpoch(run, record),
        onUnfreeze: (change) => onUnfreeze(run, change),
      });
    } finally {
      // The backbone's layers are shared with `pretrained` and the next run: leave them trainable.
      freezeLayers(model, groups, 0);
    }
    run.seconds = (performance.now() - started) / 1000;
    fineTunings.push(run);
  }
  tf.dispose(pretrainedWeights);
  return {
    pretraining,
    numLayers,
    fineTunings,
    data: { pretrainImages: old.train.size, finetuneImages: fresh.train.size, testImagesPerTask: fresh.test.size },
  };
}

interface Sets { pretrained: tf.LayersModel; old: DigitSet; fresh: DigitSet; freshTest: DigitSet }

async function fineTune(model: tf.LayersModel, groups: LayerDecayGroups, run: FineTuning, sets: Sets, options: GradualUnfreezingOptions, report: { onEpoch(record: EpochRecord): void; onUnfreeze(change: Unfreeze): void }) {
  const top = groups.numLayers;
  const start = await startingPoint(model, groups);
  let frozenBelow = run.kind === 'all' ? 0 : top;
  if (run.kind !== 'all') freezeLayers(model, groups, frozenBelow); // the gradual run's callback does it again at epoch 0
  const optimizer = train.adamw(groups, { learningRate: options.lr });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });

  const record = async (epoch: number, loss: number | null) => {
    const entry: EpochRecord = {
      epoch,
      loss,
      newDigitsAccuracy: await accuracy(model, sets.freshTest),
      oldDigitsAccuracy: await accuracy(sets.pretrained, sets.old),
      frozenBelow,
      layers: await start.compare(),
    };
    run.epochs.push(entry);
    report.onEpoch(entry);
  };
  await record(0, null);
  const callbacks: tf.CustomCallbackArgs[] = [];
  if (run.kind === 'gradual') {
    callbacks.push(unfreezeCallback(model, groups, {
      every: options.every,
      onUnfreeze: (state, epoch) => {
        frozenBelow = state.below;
        const change = { epoch, below: state.below, joined: layerGroupName(state.below, top), trainableVariables: state.trainable.length };
        run.unfreezes.push(change);
        report.onUnfreeze(change);
      },
    }));
  }
  callbacks.push({ onEpochEnd: (epoch, logs) => record(epoch + 1, logs!.loss!) });

  // One pass over the images in a seeded order, the same every epoch: model.fit's own shuffle uses
  // Math.random, which cannot be seeded, and the three runs must see the same batches.
  const batchSize = options.finetuneBatchSize;
  if (sets.fresh.size % batchSize !== 0) throw new Error(`${sets.fresh.size} fine-tuning images do not split into batches of ${batchSize}`);
  const stream = trainingStream(sets.fresh, sets.fresh.size / batchSize, batchSize, seededRandom(options.seed + 2));
  try {
    await model.fit(stream.xs, stream.ys, { batchSize, epochs: options.epochs, shuffle: false, verbose: 0, callbacks });
  } finally {
    tf.dispose([stream.xs, stream.ys]);
    optimizer.dispose();
  }
}

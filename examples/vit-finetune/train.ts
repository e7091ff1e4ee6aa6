// One training run: model.fit over a fixed stream of batches, with the optimizer's per-group
// learning rates logged by lrScheduleCallback (`lr/<group>` in every batch's logs) and each step's
// loss, accuracy and rates recorded for the charts and results.json.
import * as tf from '@tensorflow/tfjs';
import { lrScheduleCallback } from '../../src/index.js';
import { progressBar } from './progress.js';

export interface StepRecord {
  /** 0-based: the optimizer's iteration count before the step, the step the schedule was evaluated at. */
  step: number;
  loss: number;
  accuracy: number;
  /** The learning rate each group used in this step, by group name. */
  lr: Record<string, number>;
}

export interface TrainOptions {
  label: string;
  batchSize: number;
  showProgress: boolean;
}

export async function fitAndRecord(model: tf.LayersModel, optimizer: tf.Optimizer, data: { xs: tf.Tensor; ys: tf.Tensor }, options: TrainOptions): Promise<StepRecord[]> {
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const steps = Math.ceil(data.xs.shape[0]! / options.batchSize);
  const progress = progressBar(options.label, steps, options.showProgress);
  const records: StepRecord[] = [];
  const recorder = {
    // After lrScheduleCallback in the list: it writes the `lr/<group>` keys into the same logs first.
    onBatchEnd: async (_batch: number, logs?: tf.Logs) => {
      const lr: Record<string, number> = {};
      for (const [key, value] of Object.entries(logs ?? {})) if (key.startsWith('lr/')) lr[key.slice(3)] = value;
      const record = { step: records.length, loss: logs!.loss!, accuracy: logs!.acc!, lr };
      records.push(record);
      progress.update(records.length, record.loss, record.accuracy, Math.max(...Object.values(lr)));
    },
  };
  try {
    await model.fit(data.xs, data.ys, {
      batchSize: options.batchSize,
      epochs: 1, // the stream already holds every pass over the data, in a seeded order
      shuffle: false,
      verbose: 0,
      callbacks: [lrScheduleCallback(optimizer), recorder] as unknown as tf.CustomCallbackArgs[],
    });
  } finally {
    progress.stop();
  }
  return records;
}

// Accuracy on held-out digits, and the forgetting measure: the accuracy on the old task (digits
// 0–4) of the fine-tuned network read through the head kept from pre-training. Fine-tuning replaces
// the head, so the old head is the fixed probe: whatever it no longer recognizes, the layers below
// it have forgotten.
import * as tf from '@tensorflow/tfjs';
import type { DigitSet } from './digits.js';
import { toTensors } from './digits.js';

export async function accuracy(model: tf.LayersModel, set: DigitSet): Promise<number> {
  const { xs, ys } = toTensors(set);
  const correct = tf.tidy(() => {
    const predicted = (model.predict(xs, { batchSize: 256 }) as tf.Tensor).argMax(-1);
    return tf.mean(tf.equal(predicted, ys.argMax(-1)));
  });
  try {
    // data(), not dataSync(): the webgpu backend cannot read synchronously in Node.
    return (await correct.data())[0]!;
  } finally {
    tf.dispose([xs, ys, correct]);
  }
}

/** Accuracy with `headWeights` in the layer named 'head' for the time of the evaluation. */
export async function accuracyWithHead(model: tf.LayersModel, headWeights: tf.Tensor[], set: DigitSet): Promise<number> {
  const head = model.getLayer('head');
  const own = head.getWeights().map((w) => w.clone());
  head.setWeights(headWeights);
  try {
    return await accuracy(model, set);
  } finally {
    head.setWeights(own);
    tf.dispose(own);
  }
}

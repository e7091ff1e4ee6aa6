import * as tf from '@tensorflow/tfjs';

// Two models and neither is frozen: gradients reach both (predict() is differentiable), so groups
// from one would leave the other's variables in no group.
const online = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
const target = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
const optimizer = tf.train.adam(1e-3);

export function trainOnBatch(states, rewards) {
  optimizer.minimize(() => tf.losses.meanSquaredError(rewards.add(target.predict(states).max(-1)), online.apply(states, { training: true }).max(-1)));
}

import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [2] }));

const optimizer = tf.train.adam(3e-4);

function loss(xs, ys) {
  return tf.losses.meanSquaredError(ys, model.predict(xs));
}

export async function train(batches) {
  for (const { xs, ys } of batches) {
    optimizer.minimize(() => loss(xs, ys));
    await tf.nextFrame();
  }
}

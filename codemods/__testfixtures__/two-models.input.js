import * as tf from '@tensorflow/tfjs';

// A DQN: the online network is trained; the target network only predicts and is frozen.
function createNetwork() {
  const network = tf.sequential();
  network.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));
  network.add(tf.layers.dense({ units: 2 }));
  return network;
}

const online = createNetwork();
const target = createNetwork();
target.trainable = false;
const optimizer = tf.train.adam(1e-3);

export function trainOnBatch(states, actions, rewards, nextStates, gamma) {
  const lossFunction = () => tf.tidy(() => {
    const qs = online.apply(states, { training: true }).mul(tf.oneHot(actions, 2)).sum(-1);
    const nextMaxQ = target.predict(nextStates).max(-1);
    return tf.losses.meanSquaredError(rewards.add(nextMaxQ.mul(gamma)), qs);
  });
  const grads = tf.variableGrads(lossFunction);
  optimizer.applyGradients(grads.grads);
  tf.dispose(grads);
}

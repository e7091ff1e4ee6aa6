// Run by runs.test.ts: a DQN step loop (online network trained, target network frozen and only
// predicting); prints what it learned as JSON (the last line).
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');

function createNetwork(seed) {
  const network = tf.sequential();
  network.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed }) }));
  network.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }));
  return network;
}

const online = createNetwork(10);
const target = createNetwork(20);
target.trainable = false;
const optimizer = tf.train.adam(1e-2);

const states = tf.tensor2d([[0.1, 0.2, 0.3, 0.4], [0.5, -0.1, 0.2, 0], [-0.3, 0.8, 0.1, 0.2]]);
const nextStates = tf.tensor2d([[0.2, 0.1, 0.3, 0.5], [0.4, 0, 0.1, 0.1], [-0.2, 0.7, 0, 0.3]]);
const actions = tf.tensor1d([0, 1, 1], 'int32');
const rewards = tf.tensor1d([1, 0, 0.5]);

const losses = [];
for (let step = 0; step < 20; step++) {
  const lossFunction = () => tf.tidy(() => {
    const qs = online.apply(states, { training: true }).mul(tf.oneHot(actions, 2)).sum(-1);
    const nextMaxQ = target.predict(nextStates).max(-1);
    return tf.losses.meanSquaredError(rewards.add(nextMaxQ.mul(0.9)), qs);
  });
  const grads = tf.variableGrads(lossFunction);
  optimizer.applyGradients(grads.grads);
  losses.push(grads.value.dataSync()[0]);
  tf.dispose(grads);
}
console.log(JSON.stringify({
  optimizer: optimizer.getClassName(),
  groups: optimizer.paramGroups?.length ?? 0,
  losses,
  weights: [...online.getWeights(), ...target.getWeights()].map((weight) => Array.from(weight.dataSync())),
}));

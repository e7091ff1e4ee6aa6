// Run by runs.test.ts: trains and prints what it learned as JSON (the last line).
const tf = require('@tensorflow/tfjs');

async function main() {
  await tf.setBackend('cpu');
  const xs = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.3, 0.9]]);
  const ys = tf.tensor2d([[1], [1], [0], [0], [0.6], [0.8]]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, inputShape: [2], activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const history = await model.fit(xs, ys, { epochs: 30, batchSize: 6, shuffle: false, verbose: 0 });
  console.log(JSON.stringify({
    optimizer: model.optimizer.getClassName(),
    groups: model.optimizer.paramGroups ? model.optimizer.paramGroups.length : 0,
    losses: history.history.loss,
    weights: model.getWeights().map((weight) => Array.from(weight.dataSync())),
  }));
}

main();

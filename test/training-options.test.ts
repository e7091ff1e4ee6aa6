// Clipping, accumulation and the moving average as a user meets them: PyTorch's clip_grad_norm_ and
// Keras's clip_by_norm on numbers written out by hand; model.fit with accumulation equal to fit with
// the bigger batch; fit with a global norm equal to a hand-written stock tfjs loop; the averages that
// finalizeVariableValues writes equal to the average of the weights seen after each batch; bad
// options refused with a hint; state of another shape refused with nothing changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, install } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { maxRelativeDifference, seededRandom } from './support/rule-cases.js';

await useBackend('cpu');
const tfg = install(tf);

/** One SGD step (lr 1, params at 0) with the given gradients: the params become −(clipped gradient) × lrScale. */
function clippedBySgd(grads: number[][], lrScales: number[], options: Record<string, unknown>): Float32Array[] {
  const vars = grads.map((g) => tf.variable(tf.zeros([g.length])));
  const optimizer = new GroupedOptimizer('sgd', vars.map((v, i) => ({ params: [v], lrScale: lrScales[i] })), { learningRate: 1, ...options });
  optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.tensor1d(grads[i]!) })));
  const result = vars.map((v) => v.dataSync().map((x) => -x) as Float32Array);
  optimizer.dispose();
  tf.dispose(vars);
  return result;
}

// Gradients [3, 4] and [12]: global norm 13. PyTorch's clip_grad_norm_(max_norm=6.5) multiplies by
// 6.5 / (13 + 1e-6) = 0.4999999615384645; max_norm 20 leaves them (the factor is clamped to 1).
// The group's lrScale (0.5 on the second) multiplies the update, after the norm is taken.
const HAND_TABLE: Array<{ label: string; grads: number[][]; lrScales: number[]; options: Record<string, unknown>; expected: number[][] }> = [
  { label: 'globalClipnorm 6.5 (PyTorch clip_grad_norm_)', grads: [[3, 4], [12]], lrScales: [1, 0.5], options: { globalClipnorm: 6.5 }, expected: [[1.4999998846153935, 1.999999846153858], [0.5 * 5.999999538461574]] },
  { label: 'globalClipnorm 20: below the norm, unchanged', grads: [[3, 4], [12]], lrScales: [1, 0.5], options: { globalClipnorm: 20 }, expected: [[3, 4], [6]] },
  { label: 'clipnorm 1 (Keras clip_by_norm): each to its own norm', grads: [[3, 4], [12], [0.3, 0.4]], lrScales: [1, 1, 1], options: { clipnorm: 1 }, expected: [[0.6, 0.8], [1], [0.3, 0.4]] },
  { label: 'clipvalue 1: elementwise', grads: [[3, -4, 0.5], [-0.25]], lrScales: [1, 1], options: { clipvalue: 1 }, expected: [[1, -1, 0.5], [-0.25]] },
];
for (const row of HAND_TABLE) {
  test(`${row.label}: the numbers written out by hand`, () => {
    const actual = clippedBySgd(row.grads, row.lrScales, row.options);
    row.expected.forEach((e, i) => assert.ok(maxRelativeDifference(actual[i]!, e, 1e-6) <= 1e-6, `variable ${i}: got [${[...actual[i]!]}], expected [${e}]`));
  });
}

const random = seededRandom(9);
const X = tf.tensor2d(Float32Array.from({ length: 64 * 5 }, () => random() * 2 - 1), [64, 5]);
const Y = tf.tensor2d(Float32Array.from({ length: 64 * 2 }, () => random() * 3), [64, 2]);
function buildModel() {
  return tf.sequential({ layers: [
    tf.layers.dense({ units: 6, inputShape: [5], activation: 'tanh', name: 'lower', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 2, name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
}
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync().slice() as Float32Array);

test('fit with gradientAccumulationSteps 4 and batch 8 predicts as fit with batch 32 (SGD, mean loss)', async () => {
  const predictions: Float32Array[] = [];
  for (const [batchSize, steps] of [[32, null], [8, 4]] as const) {
    const model = buildModel();
    const optimizer = tfg.train.sgd([{ params: model.getLayer('lower'), lrScale: 0.5 }, { params: model.getLayer('head') }], { learningRate: 0.2, gradientAccumulationSteps: steps });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.fit(X, Y, { batchSize, epochs: 3, shuffle: false, verbose: 0 });
    predictions.push((model.predict(X) as tf.Tensor).dataSync().slice() as Float32Array);
  }
  const start = (buildModel().predict(X) as tf.Tensor).dataSync();
  assert.ok(maxRelativeDifference(predictions[0]!, start) > 1e-2, 'training must change the predictions');
  const diff = maxRelativeDifference(predictions[1]!, predictions[0]!);
  assert.ok(diff <= 1e-5, `predictions differ by ${diff.toExponential(2)}`);
});

test('fit with globalClipnorm equals a hand-written loop: stock tf.train.sgd on gradients clipped as PyTorch does', async () => {
  const model = buildModel();
  model.compile({ optimizer: tfg.train.sgd([{ params: model }], { learningRate: 0.3, globalClipnorm: 0.05 }), loss: 'meanSquaredError' });
  await model.fit(X, Y, { batchSize: 16, epochs: 1, shuffle: false, verbose: 0 });

  const manual = buildModel();
  const sgd = tf.train.sgd(0.3);
  let clipped = 0;
  for (let b = 0; b < 4; b++) {
    const [x, y] = [X.slice(b * 16, 16), Y.slice(b * 16, 16)];
    const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, manual.apply(x) as tf.Tensor) as tf.Scalar);
    const values = Object.values(grads).map((g) => Float64Array.from(g.dataSync()));
    const norm = Math.sqrt(values.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
    const factor = Math.min(1, 0.05 / (norm + 1e-6));
    if (factor < 1) clipped++;
    sgd.applyGradients(Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)])));
  }
  assert.ok(clipped === 4, `every batch's norm must be clipped here (${clipped} were)`);
  const [a, e] = [weightsOf(model), weightsOf(manual)];
  a.forEach((w, i) => assert.ok(maxRelativeDifference(w, e[i]!) <= 1e-5, `weight ${i} differs by ${maxRelativeDifference(w, e[i]!)}`));
});

test('useEma in fit: finalizeVariableValues writes the moving average of the weights after each batch', async () => {
  const model = buildModel();
  const optimizer = new GroupedOptimizer('adam', [{ params: model }], { learningRate: 0.05, useEma: true, emaMomentum: 0.7 });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  let average: Float64Array[] | null = null;
  await model.fit(X, Y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async () => {
    const now = weightsOf(model);
    average = average ? average.map((a, i) => a.map((x, j) => 0.7 * x + 0.3 * now[i]![j]!)) : now.map((w) => Float64Array.from(w));
  } } });
  const last = weightsOf(model);
  optimizer.finalizeVariableValues();
  const finalized = weightsOf(model);
  finalized.forEach((w, i) => {
    assert.ok(maxRelativeDifference(w, average![i]!) <= 1e-5, `weight ${i}: ${maxRelativeDifference(w, average![i]!)} from the average`);
    assert.ok(maxRelativeDifference(w, last[i]!) > 1e-3, `weight ${i}: the average must differ from the last weights`);
  });
});

const BAD_OPTIONS: Array<[Record<string, unknown>, string]> = [
  [{ clipNorm: 1 }, "unknown option 'clipNorm' (did you mean 'clipnorm'?)"],
  [{ global_clipnorm: 1 }, "(did you mean 'globalClipnorm'?)"],
  [{ gradient_accumulation_steps: 2 }, "(did you mean 'gradientAccumulationSteps'?)"],
  [{ useEMA: true }, "(did you mean 'useEma'?)"],
  [{ clipnorm: 1, globalClipnorm: 2 }, 'give only one of clipnorm, clipvalue and globalClipnorm, got clipnorm and globalClipnorm'],
  [{ clipvalue: 0 }, 'clipvalue must be a finite number > 0 (or null for none), got 0'],
  [{ globalClipnorm: Infinity }, 'globalClipnorm must be a finite number > 0'],
  [{ gradientAccumulationSteps: 2.5 }, 'gradientAccumulationSteps must be an integer >= 1 (1 or null: none), got 2.5'],
  [{ useEma: 'yes' }, "useEma must be true or false, got 'yes'"],
  [{ useEma: true, emaMomentum: 1.5 }, 'emaMomentum must be a number in [0, 1], got 1.5'],
  [{ useEma: true, emaOverwriteFrequency: 0 }, 'emaOverwriteFrequency must be an integer >= 1 (or null for never), got 0'],
];
for (const [options, message] of BAD_OPTIONS) {
  test(`bad options ${JSON.stringify(options)}: '${message}'`, () => {
    const v = tf.variable(tf.zeros([2]));
    try {
      assert.throws(() => tfg.train.adamw([{ params: [v] }], { learningRate: 0.1, ...options }), (e: Error) => e.message.includes('adamw optimizer: ') && e.message.includes(message));
    } finally { v.dispose(); }
  });
}

test('an accumulator of another shape from a checkpoint: the step names both shapes and changes nothing', async () => {
  const v = tf.variable(tf.ones([3]), true, 'acc_shape_v');
  const optimizer = new GroupedOptimizer('adam', [{ params: [v] }], { learningRate: 0.1, gradientAccumulationSteps: 2 });
  await optimizer.setWeights([{ name: 'iter', tensor: tf.scalar(1) }, { name: 'acc_shape_v/gradient_accumulator', tensor: tf.ones([4]) }]);
  assert.throws(() => optimizer.applyGradients([{ name: v.name, tensor: tf.ones([3]) }]), /optimizer state 'acc_shape_v\/gradient_accumulator' from a checkpoint has shape \[4\] but variable 'acc_shape_v' has shape \[3\]; nothing was changed/);
  assert.equal(Array.from(v.dataSync()), [1, 1, 1]);
  assert.is(optimizer.iterations, 1);
  const other = new GroupedOptimizer('adam', [{ params: [v] }], { learningRate: 0.1 });
  await assert.not.throws(() => other.setWeights([{ name: 'iter', tensor: tf.scalar(0) }]));
  try {
    await other.setWeights([{ name: 'iter', tensor: tf.scalar(0) }, { name: 'acc_shape_v/average', tensor: tf.ones([3]) }]);
    assert.unreachable('an average without useEma must be refused');
  } catch (e) {
    assert.match((e as Error).message, "'acc_shape_v/average' is not a slot of the adam rule or of this optimizer's options");
  }
  optimizer.dispose(); other.dispose(); v.dispose();
});

test.run();

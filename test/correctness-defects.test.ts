// Defects seen when the package was tried as a new user would (issue "Correct in the user's training
// loop"), one test each, on the cpu backend with the default (fused) engine: each failed before its
// fix. The wasm stale-weights defect and the nested model are covered where users meet them
// (user-training.test.ts, layer-decay tests).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, install, schedules, type GroupSpec } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

let count = 0;
/** Fresh variables with unique names: `${prefix}_${i}` holds i + 1 in every element. */
function variables(prefix: string, shapes: number[][]): tf.Variable[] {
  const tag = `${prefix}${count++}`;
  return shapes.map((shape, i) => tf.variable(tf.fill(shape, i + 1), true, `${tag}_${i}`));
}
const ones = (vs: tf.Variable[]) => vs.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
const values = (vs: tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));

/** A step that must fail: the message, and nothing changed (weights, state, step count). */
async function assertRefused(opt: GroupedOptimizer, vs: tf.Variable[], grads: Array<{ name: string; tensor: tf.Tensor }>, message: RegExp) {
  const before = values(vs);
  const state = (await opt.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]);
  const steps = opt.iterations;
  assert.throws(() => opt.applyGradients(grads), message);
  assert.equal(values(vs), before, 'no weight may change');
  assert.equal((await opt.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]), state, 'no state may change');
  assert.is(opt.iterations, steps, 'the step count must not change');
}

// 2. Gradients of another dtype: int32 and bool are cast (as tfjs ops would), others refused.
test('an int32 gradient is cast to float32: the update equals the float32 one', () => {
  const [v, w] = variables('dtype', [[5], [5]]);
  const opt = new GroupedOptimizer('sgd', [{ params: [v!, w!] }], { learningRate: 0.5 });
  opt.applyGradients([{ name: v!.name, tensor: tf.tensor1d([1, 2, 3, 4, 5], 'int32') }, { name: w!.name, tensor: tf.tensor1d([1, 2, 3, 4, 5]) }]);
  // SGD: p = p - 0.5 g; v holds 1, w holds 2.
  assert.equal(Array.from(v!.dataSync()), [0.5, 0, -0.5, -1, -1.5]);
  assert.equal(Array.from(w!.dataSync()), [1.5, 1, 0.5, 0, -0.5]);
});

test('a string or complex64 gradient is refused, naming the variable, before any group moves', async () => {
  const vs = variables('badtype', [[3], [2]]);
  const opt = new GroupedOptimizer('adam', [{ params: [vs[0]!] }, { params: [vs[1]!] }], { learningRate: 0.1 });
  await assertRefused(opt, vs, [ones(vs)[0]!, { name: vs[1]!.name, tensor: tf.tensor1d(['a', 'b']) }], new RegExp(`gradient for '${vs[1]!.name}' has dtype string`));
  await assertRefused(opt, vs, [ones(vs)[0]!, { name: vs[1]!.name, tensor: tf.complex([1, 2], [0, 0]) }], new RegExp(`gradient for '${vs[1]!.name}' has dtype complex64`));
});

// 8. A disposed gradient after the earlier groups would already have moved.
test('a disposed gradient is refused before any group moves', async () => {
  const vs = variables('disposed', [[3], [2]]);
  const opt = new GroupedOptimizer('adam', [{ params: [vs[0]!] }, { params: [vs[1]!] }], { learningRate: 0.1 });
  const grads = ones(vs);
  grads[1]!.tensor.dispose();
  await assertRefused(opt, vs, grads, new RegExp(`gradient for '${vs[1]!.name}' has been disposed`));
});

// 5. Exact names: 'x_0' must not claim 'x_1'.
test("an exact name ending in _<digits> claims that variable only ('layer_0' is not 'layer_1')", () => {
  const vs = variables('layer', [[2], [2]]); // named <tag>_0 and <tag>_1
  const opt = new GroupedOptimizer('sgd', [{ name: 'frozen', params: [vs[0]!.name], lrScale: 0 }, { name: 'rest', params: [/./] }], { learningRate: 1 });
  opt.applyGradients(ones(vs));
  assert.equal(values(vs), [[1, 1], [1, 1]], 'the frozen one stays (1), the other moves by 1 (2 -> 1)');
  assert.equal(opt.paramGroups.map((g) => g.params.filter((n) => vs.some((v) => v.name === n))), [[vs[0]!.name], [vs[1]!.name]]);
});

// 6. A Layer group plus a catch-all pattern: the checkpoint resumes (exact names win over patterns).
test('a Layer group plus a catch-all RegExp group: its checkpoint resumes', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.dense({ units: 1 })] });
  const opt = new GroupedOptimizer('adam', [{ name: 'head', params: model.layers[1]!, lrScale: 1 }, { name: 'rest', params: [/.*/], lrScale: 0.1 }], { learningRate: 0.01 });
  model.compile({ optimizer: opt, loss: 'meanSquaredError' });
  const x = tf.ones([8, 3]), y = tf.zeros([8, 1]);
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, JSON.parse(JSON.stringify(opt.getConfig()))) as GroupedOptimizer;
  await restored.setWeights(await opt.getWeights());
  const grads = model.trainableWeights.map((w) => ({ name: (w.read() as tf.Variable).name, tensor: tf.onesLike(w.read()) }));
  restored.applyGradients(grads);
  assert.equal(restored.paramGroups.map((g) => g.params.length), [2, 2], 'head: its kernel and bias; rest: the other two');
});

// 7. State that does not fit its variable.
test('slots of another shape loaded with setWeights are refused at the step, naming both shapes', async () => {
  const vs = variables('shape', [[3]]);
  const opt = new GroupedOptimizer('adam', [{ params: vs }], { learningRate: 0.1 });
  await opt.setWeights([{ name: 'iter', tensor: tf.scalar(0) }, { name: `${vs[0]!.name}/m`, tensor: tf.zeros([4]) }, { name: `${vs[0]!.name}/v`, tensor: tf.zeros([4]) }]);
  await assertRefused(opt, vs, ones(vs), new RegExp(`state '${vs[0]!.name}/m' from a checkpoint has shape \\[4\\] but variable '${vs[0]!.name}' has shape \\[3\\]`));
});

test("a new variable that replaced a disposed one of the same name gets fresh state, not the old one's", () => {
  const name = `replaced${count++}`;
  const old = tf.variable(tf.ones([3]), true, name);
  const opt = new GroupedOptimizer('adam', [{ params: [name] }], { learningRate: 0.1 });
  opt.applyGradients([{ name, tensor: tf.onesLike(old) }]);
  old.dispose();
  const fresh = tf.variable(tf.ones([5]), true, name);
  opt.applyGradients([{ name, tensor: tf.ones([5]) }]);
  // Adam's first step moves each weight by lr × sign(g) = 0.1 from fresh state (m = v = 0) at bias-corrected t = 2:
  // m = 0.1, v = 0.001, m̂ = 0.1 / (1 - 0.81), v̂ = 0.001 / (1 - 0.998001) -> update 0.1 × 0.526 / 0.707.
  const m = 0.1 / (1 - 0.9 ** 2), vHat = 0.001 / (1 - 0.999 ** 2);
  const expected = 1 - 0.1 * m / (Math.sqrt(vHat) + 1e-7);
  fresh.dataSync().forEach((x) => assert.ok(Math.abs(x - expected) < 1e-5, `got ${x}, fresh state gives ${expected}`));
});

// 9. Accepted, then NaN or -Infinity.
const OUT_OF_RANGE: Array<[string, string, Record<string, unknown>, RegExp]> = [
  ['beta1 = 1', 'adam', { beta1: 1 }, /beta1 must be in \[0, 1\) for the adam rule, got 1/],
  ['beta2 > 1', 'adamw', { beta2: 1.5 }, /beta2 must be in \[0, 1\) for the adamw rule, got 1.5/],
  ['adamax beta1 = 1', 'adamax', { beta1: 1 }, /beta1 must be in \[0, 1\)/],
  ['rho > 1', 'adadelta', { rho: 1.01 }, /rho must be in \[0, 1\] for the adadelta rule, got 1.01/],
  ['rmsprop decay > 1', 'rmsprop', { decay: 2 }, /decay must be in \[0, 1\] for the rmsprop rule, got 2/],
];
for (const [what, rule, options, message] of OUT_OF_RANGE) {
  test(`construction: ${what} is refused`, () => {
    const vs = variables('range', [[2]]);
    assert.throws(() => new GroupedOptimizer(rule, [{ params: vs }], { learningRate: 0.1, ...options }), message);
    assert.throws(() => new GroupedOptimizer(rule, [{ params: vs, ...options }], { learningRate: 0.1 }), message, 'as a group override too');
  });
}

test('a rate that overflows float32 (lrScale 1e300) is refused before any group moves', async () => {
  const vs = variables('overflow', [[2], [2]]);
  const opt = new GroupedOptimizer('sgd', [{ params: [vs[0]!] }, { name: 'huge', params: [vs[1]!], lrScale: 1e300 }], { learningRate: 0.1 });
  await assertRefused(opt, vs, ones(vs), /group 1 \('huge'\): lr 1e\+299 does not fit in float32 at step 1/);
});

// 10. optimizer.learningRate = x, as tfjs code does with stock optimizers.
test('optimizer.learningRate = x sets the base rate (a number replaces a schedule; a schedule stays one)', () => {
  const vs = variables('setter', [[1]]);
  const opt = new GroupedOptimizer('sgd', [{ params: vs, lrScale: 0.5 }], { learningRate: schedules.constant(1) });
  opt.learningRate = 0.2;
  assert.is(opt.learningRate, 0.2);
  assert.is(opt.paramGroups[0]!.lr, 0.1);
  opt.applyGradients(ones(vs));
  assert.ok(Math.abs(vs[0]!.dataSync()[0]! - 0.9) < 1e-7, 'moved by 0.2 × 0.5');
  opt.learningRate = schedules.step({ lr: 0.4, stepSize: 1, gamma: 0.5 });
  assert.is(opt.learningRate, 0.2, 'the schedule at step 1: 0.4 × 0.5');
  assert.throws(() => { opt.learningRate = -1; }, /learning rate must be a finite number >= 0 or a schedule, got -1/);
});

test('a stock-style callback that halves optimizer.learningRate in fit works and decays the rate', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  const opt = new GroupedOptimizer('adam', [{ params: model }], { learningRate: 0.1 });
  model.compile({ optimizer: opt, loss: 'meanSquaredError' });
  const rates: number[] = [];
  await model.fit(tf.ones([4, 2]), tf.zeros([4, 1]), { epochs: 3, verbose: 0, callbacks: { onEpochEnd: async () => {
    const o = model.optimizer as unknown as { learningRate: number };
    o.learningRate = o.learningRate * 0.5;
    rates.push(o.learningRate);
  } } });
  assert.equal(rates, [0.05, 0.025, 0.0125]);
});

// 11 and 14: what a user is told.
test('install({}) says what it expects', () => {
  assert.throws(() => install({} as never), /install\(tf\) expects the TensorFlow.js namespace .*got an object without it/);
  assert.throws(() => install(undefined as never), /install\(tf\) expects the TensorFlow.js namespace .*got undefined/);
});

test('a plain function as learning rate is refused with a hint of defineSchedule', () => {
  const vs = variables('fn', [[1]]);
  assert.throws(() => new GroupedOptimizer('sgd', [{ params: vs }], { learningRate: ((t: number) => 0.1 / (t + 1)) as never }), /a plain function is not a schedule; wrap it with defineSchedule/);
});

test('console.log(optimizer.paramGroups) prints plain groups, no internals, no cycles', () => {
  const vs = variables('print', [[1], [1]]);
  const opt = new GroupedOptimizer('adam', [{ name: 'low', params: [vs[0]!], lrScale: 0.5 }, { name: 'top', params: [vs[1]!] }], { learningRate: 0.01 });
  const text = inspect(opt.paramGroups, { depth: 4 });
  assert.not.match(text, /Circular|lookup|owner|GroupedOptimizer/);
  assert.match(text, /name: 'low'/);
  assert.match(text, /lr: 0\.005/);
  assert.equal(JSON.parse(JSON.stringify(opt.paramGroups[0])), { name: 'low', params: [vs[0]!.name], lrScale: 0.5, lr: 0.005, weightDecay: 0, hyperparameters: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });
});

test('paramGroups[i].params lists the variables of a reloaded model before its first step', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 }), tf.layers.dense({ units: 1 })] });
  const groups: GroupSpec[] = [{ name: 'low', params: model.layers[0]!, lrScale: 0.5 }, { name: 'top', params: model.layers[1]! }];
  const opt = new GroupedOptimizer('adam', groups, { learningRate: 0.01 });
  const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, JSON.parse(JSON.stringify(opt.getConfig()))) as GroupedOptimizer;
  assert.equal(restored.paramGroups.map((g) => g.params), opt.paramGroups.map((g) => g.params));
  assert.is(restored.paramGroups[0]!.params.length, 2);
});

// 13. The first step with thousands of exact names resolves every one (speed: bench/lookup.mjs).
test('4,000 exact names in groups: every gradient finds its group', () => {
  const vs = variables('many', Array.from({ length: 4000 }, () => [1]));
  const opt = new GroupedOptimizer('sgd', [
    { name: 'even', params: vs.filter((_, i) => i % 2 === 0).map((v) => v.name), lrScale: 0 },
    { name: 'odd', params: vs.filter((_, i) => i % 2 === 1).map((v) => v.name) },
  ], { learningRate: 1 });
  opt.applyGradients(ones(vs));
  vs.forEach((v, i) => assert.is(v.dataSync()[0], i % 2 === 0 ? i + 1 : i, v.name));
  tf.dispose(vs);
});

test.run();

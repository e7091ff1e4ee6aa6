// Every bad input gets an error that says what is wrong and where (group index and name, variable),
// and a failed step changes nothing: no weight, no state, no step count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, type GroupSpec } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

const a = tf.variable(tf.ones([3]), true, 'bad_a');
const b = tf.variable(tf.ones([2]), true, 'bad_b');
const ints = tf.variable(tf.ones([2], 'int32'), true, 'bad_ints');
const frozen = tf.variable(tf.ones([2]), false, 'bad_frozen');
const stray = tf.variable(tf.ones([4]), true, 'bad_stray');

/** [what, groups, options, the message it must give] */
const CONSTRUCTION_ERRORS: Array<[string, GroupSpec[], Record<string, unknown>, RegExp]> = [
  ['a variable in two groups', [{ params: [a] }, { name: 'b', params: [a, b] }], {}, /variable 'bad_a' is in two groups: group 0 and group 1 \('b'\)/],
  ['a negative lrScale', [{ params: [a] }, { name: 'b', params: [b], lrScale: -1 }], {}, /group 1 \('b'\): lrScale must be a finite number >= 0, got -1/],
  ['a NaN lrScale', [{ params: [a], lrScale: NaN }], {}, /group 0 \('group_0'\): lrScale must be a finite number >= 0, got NaN/],
  ['an infinite lrScale', [{ params: [a], lrScale: Infinity }], {}, /lrScale must be a finite number >= 0, got Infinity/],
  ['an lrScale that is not a number', [{ params: [a], lrScale: '0.5' as unknown as number }], {}, /lrScale must be a finite number >= 0, got '0.5'/],
  ['an empty group', [{ params: [a] }, { name: 'empty', params: [] }], {}, /group 1 \('empty'\) is empty/],
  ['a group of non-trainable variables only', [{ name: 'frozen', params: [frozen] }], {}, /group 0 \('frozen'\) is empty/],
  ['a typo of lrScale', [{ params: [a], lrscale: 0.5 }], {}, /group 0: unknown key 'lrscale'.*did you mean 'lrScale'/],
  ['a typo of weightDecay', [{ params: [a], weight_decay: 0.5 }], {}, /unknown key 'weight_decay'.*did you mean 'weightDecay'/],
  ['both lrScale and lr_scale', [{ params: [a], lrScale: 1, lr_scale: 0.5 }], {}, /group 0: give lrScale or its alias lr_scale, not both/],
  ['a non-float variable', [{ name: 'ints', params: [ints] }], {}, /group 0 \('ints'\): variable 'bad_ints' has dtype int32/],
  ['a negative weightDecay', [{ params: [a], weightDecay: -0.1 }], {}, /group 0 \('group_0'\): weightDecay must be a finite number >= 0, got -0.1/],
  ['a bad hyperparameter override', [{ params: [a], beta1: 'x' }], {}, /group 0 \('group_0'\): beta1 must be a finite number >= 0, got 'x'/],
  ['a missing params key', [{ name: 'x' } as GroupSpec], {}, /group 0 \('x'\): 'params' is missing/],
  ['a params entry of the wrong kind', [{ params: [42 as unknown as string] }], {}, /params must hold tf.Variables.*got 42/],
  ['a duplicate group name', [{ name: 'x', params: [a] }, { name: 'x', params: [b] }], {}, /group 1: the name 'x' is used by another group/],
  ['an unknown option', [{ params: [a] }], { betaOne: 0.9 }, /adam optimizer: unknown option 'betaOne'/],
  ['a negative learning rate', [{ params: [a] }], { learningRate: -1 }, /learning rate must be a finite number >= 0 or a schedule, got -1/],
  ['a defaultGroup that names no group', [{ params: [a] }], { defaultGroup: 'nope' }, /defaultGroup 'nope' names no group/],
];

for (const [what, groups, options, message] of CONSTRUCTION_ERRORS) {
  test(`construction: ${what}`, () => {
    assert.throws(() => new GroupedOptimizer('adam', groups, options), message);
  });
}

test('construction: no groups at all', () => {
  assert.throws(() => new GroupedOptimizer('adam', []), /expected a non-empty array of groups/);
});

test("PyTorch's and OneFlow's lr_scale spelling is accepted", () => {
  const opt = new GroupedOptimizer('sgd', [{ params: [a], lr_scale: 0.25 }], { learningRate: 1 });
  assert.is(opt.paramGroups[0]!.lrScale, 0.25);
});

test('non-trainable variables in a group are skipped', () => {
  const opt = new GroupedOptimizer('sgd', [{ params: [a, frozen] }], { learningRate: 1 });
  assert.equal(opt.paramGroups[0]!.params, ['bad_a']);
});

/** Runs a step that must fail, and checks that nothing changed. */
async function assertFailedStepChangesNothing(opt: GroupedOptimizer, grads: tf.NamedTensorMap, message: RegExp) {
  const before = [a, b, stray].map((v) => v.dataSync().slice());
  const weightsBefore = (await opt.getWeights()).length;
  const steps = opt.iterations;
  assert.throws(() => opt.applyGradients(grads), message);
  [a, b, stray].forEach((v, i) => assert.equal(v.dataSync(), before[i], `${v.name} must be unchanged`));
  assert.is(opt.iterations, steps, 'the step count must be unchanged');
  assert.is((await opt.getWeights()).length, weightsBefore, 'no optimizer state may be created');
}

test('step: a gradient for a variable in no group names it, and changes nothing', async () => {
  const opt = new GroupedOptimizer('adam', [{ params: [a] }, { name: 'b', params: [b] }], { learningRate: 0.1 });
  await assertFailedStepChangesNothing(opt, { bad_a: tf.ones([3]), bad_b: tf.ones([2]), bad_stray: tf.ones([4]) },
    /gradient for variable 'bad_stray', which is in no group; add it to a group or pass the defaultGroup option/);
});

test('step: the defaultGroup option takes such variables', () => {
  const opt = new GroupedOptimizer('sgd', [{ params: [a] }, { name: 'rest', params: [b], lrScale: 0.5 }], { learningRate: 0.1, defaultGroup: 'rest' });
  const before = stray.dataSync()[0]!;
  opt.applyGradients({ bad_stray: tf.ones([4]) });
  assert.ok(Math.abs(stray.dataSync()[0]! - (before - 0.05)) < 1e-7, 'moved by lr × the default group scale');
  assert.ok(opt.paramGroups[1]!.params.includes('bad_stray'));
});

test('step: a pattern that matches no variable is an empty group', async () => {
  const opt = new GroupedOptimizer('adam', [{ params: [a] }, { name: 'head', params: [/^no_such_head\//] }], { learningRate: 0.1 });
  await assertFailedStepChangesNothing(opt, { bad_a: tf.ones([3]) }, /group 1 \('head'\) is empty: no variable matches \/\^no_such_head\\\/\//);
});

test('step: a name claimed by two patterns', async () => {
  const opt = new GroupedOptimizer('adam', [{ name: 'x', params: [/bad_/] }, { name: 'y', params: [/_b$/] }], { learningRate: 0.1 });
  await assertFailedStepChangesNothing(opt, { bad_a: tf.ones([3]), bad_b: tf.ones([2]) }, /variable 'bad_b' is in two groups: group 0 \('x'\) and group 1 \('y'\)/);
});

test('step: a gradient of the wrong shape', async () => {
  const opt = new GroupedOptimizer('adam', [{ params: [a, b] }], { learningRate: 0.1 });
  await assertFailedStepChangesNothing(opt, { bad_a: tf.ones([3]), bad_b: tf.ones([5]) }, /gradient for 'bad_b' has shape \[5\] but the variable has shape \[2\]/);
});

test('step: a schedule that returns NaN fails before any update', async () => {
  const schedule = Object.assign((step: number) => (step === 0 ? 0.1 : NaN), { config: { kind: 'test' } });
  const opt = new GroupedOptimizer('sgd', [{ params: [a] }], { learningRate: schedule });
  opt.applyGradients({ bad_a: tf.ones([3]) });
  await assertFailedStepChangesNothing(opt, { bad_a: tf.ones([3]) }, /group 0 \('group_0'\): the learning rate at step 1 is NaN/);
});

test('setting a group lr or lrScale checks the value', () => {
  const opt = new GroupedOptimizer('sgd', [{ name: 'g', params: [a] }], { learningRate: 0.1 });
  assert.throws(() => { opt.paramGroups[0]!.lr = -1; }, /group 0 \('g'\): lr must be a finite number >= 0, got -1/);
  assert.throws(() => { opt.paramGroups[0]!.lrScale = NaN; }, /group 0 \('g'\): lrScale must be a finite number >= 0, got NaN/);
});

test('lrScale 0 freezes a group: no update, moments kept', () => {
  const opt = new GroupedOptimizer('adam', [{ params: [a] }, { name: 'frozen', params: [b] }], { learningRate: 0.1 });
  opt.applyGradients({ bad_a: tf.ones([3]), bad_b: tf.ones([2]) });
  const bBefore = b.dataSync().slice();
  opt.paramGroups[1]!.lrScale = 0;
  opt.applyGradients({ bad_a: tf.ones([3]), bad_b: tf.fill([2], 5) });
  assert.equal(b.dataSync(), bBefore, 'a frozen group does not move');
  return opt.getWeights().then((w) => {
    const m = w.find((x) => x.name === 'bad_b/m')!;
    // After one step with g = 1: m = 0.1; a frozen step must not fold g = 5 into it.
    assert.ok(Math.abs(m.tensor.dataSync()[0]! - 0.1) < 1e-7, `moment kept (got ${m.tensor.dataSync()[0]})`);
  });
});

test.run();

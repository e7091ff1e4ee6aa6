// Each rule with one group at lrScale 1 equals the stock tfjs optimizer over 100 steps, on the ops
// path and on the fused cpu path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { RULE_CASES, initialValues, maxRelativeDifference, quadratic } from './support/rule-cases.js';

await useBackend('cpu');

const SIZE = 257;
const STEPS = 100;
const q = quadratic(SIZE, 7);
const c = tf.tensor1d(Float32Array.from(q.c));
const target = tf.tensor1d(Float32Array.from(q.target));
// The target wobbles from step to step so that gradients vary: with near-constant gradients stock
// centered rmsprop computes sqrt(ms - mg^2 - eps) of a negative number and returns NaN.
const loss = (p: tf.Variable, step: number) => () =>
  tf.sum(tf.mul(c, tf.square(tf.sub(p, tf.add(target, Math.sin(0.7 * step)))))) as tf.Scalar;

function train(optimizer: tf.Optimizer, p: tf.Variable) {
  for (let i = 0; i < STEPS; i++) optimizer.minimize(loss(p, i), false, [p]);
  return p.dataSync();
}

for (const rc of RULE_CASES.filter((r) => r.stockArgs !== null)) {
  for (const engine of ['ops', 'fused'] as const) {
    test(`${rc.label} (${engine}) equals stock tf.train.${rc.rule} after ${STEPS} steps`, () => {
      const init = initialValues(SIZE, 3).map((x) => x + 2); // in [1, 3]: away from zero, where relative error is ill-defined
      const stockVar = tf.variable(tf.tensor1d(init));
      const groupedVar = tf.variable(tf.tensor1d(init));
      const stock = (tf.train as unknown as Record<string, (...a: unknown[]) => tf.Optimizer>)[rc.rule]!(...rc.stockArgs!);
      const grouped = new GroupedOptimizer(rc.rule, [{ params: [groupedVar], lrScale: 1 }], { learningRate: rc.learningRate, engine, ...rc.options });
      const expected = train(stock, stockVar);
      const actual = train(grouped, groupedVar);
      const moved = maxRelativeDifference(expected, init);
      assert.ok(moved > 1e-3, `the stock optimizer must move the weights (moved ${moved})`);
      const diff = maxRelativeDifference(actual, expected);
      assert.ok(diff <= 1e-5, `max relative difference ${diff.toExponential(2)} > 1e-5`);
      stock.dispose();
      grouped.dispose();
      stockVar.dispose();
      groupedVar.dispose();
    });
  }
}

test.run();

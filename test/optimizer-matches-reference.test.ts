// With several groups of different lrScale, weightDecay and sizes, every rule follows a float64
// reference of its formula (test/support/reference-rules.ts), group by group, over 100 steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { RULE_CASES, initialValues, maxRelativeDifference, quadratic, quadraticGradient, type Quadratic } from './support/rule-cases.js';
import { referenceRules, type ReferenceState } from './support/reference-rules.js';

await useBackend('cpu');

const STEPS = 100;
// The targets move a little each step so gradients vary (centered rmsprop is ill-conditioned
// when they don't: ms - mg^2 cancels, and float32 and float64 part ways).
const wobble = (step: number) => Math.fround(Math.sin(0.7 * step));
// Group layout: sizes include a single element and sizes that are no multiple of anything nice.
const GROUPS = [
  { size: 1, lrScale: 1, weightDecay: 0 },
  { size: 37, lrScale: 0.5, weightDecay: 0.05 },
  { size: 1500, lrScale: 0.1, weightDecay: 0.01 },
];

function runGrouped(rule: string, learningRate: number, options: Record<string, unknown>, engine: 'ops' | 'fused', problems: Quadratic[]) {
  const vars = GROUPS.map((g, i) => tf.variable(tf.tensor1d(initialValues(g.size, 10 + i).map((x) => x + 2))));
  const cs = problems.map((q) => tf.tensor1d(Float32Array.from(q.c)));
  const targets = problems.map((q) => tf.tensor1d(Float32Array.from(q.target)));
  const optimizer = new GroupedOptimizer(rule, GROUPS.map((g, i) => ({ params: [vars[i]!], lrScale: g.lrScale, weightDecay: g.weightDecay })), { learningRate, engine, ...options });
  for (let step = 0; step < STEPS; step++) {
    optimizer.minimize(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(cs[i]!, tf.square(tf.sub(v, tf.add(targets[i]!, wobble(step)))))))) as tf.Scalar, false, vars);
  }
  const result = vars.map((v) => v.dataSync().slice());
  optimizer.dispose();
  tf.dispose([...vars, ...cs, ...targets]);
  return result;
}

function runReference(rule: string, learningRate: number, hyper: Record<string, number | boolean>, problems: Quadratic[]) {
  const states: ReferenceState[] = GROUPS.map((g, i) => ({ p: Float64Array.from(initialValues(g.size, 10 + i).map((x) => x + 2)), slots: {} }));
  for (let step = 0; step < STEPS; step++) {
    GROUPS.forEach((g, i) => {
      const grad = quadraticGradient(problems[i]!, states[i]!.p, wobble(step));
      referenceRules[rule]!(states[i]!, grad, learningRate * g.lrScale, g.weightDecay, hyper, step + 1);
    });
  }
  return states.map((s) => s.p);
}

for (const rc of RULE_CASES) {
  for (const engine of ['ops', 'fused'] as const) {
    test(`${rc.label} (${engine}): three groups follow the float64 reference`, () => {
      const problems = GROUPS.map((g, i) => quadratic(g.size, 20 + i));
      const actual = runGrouped(rc.rule, rc.learningRate, rc.options, engine, problems);
      const expected = runReference(rc.rule, rc.learningRate, rc.reference, problems);
      GROUPS.forEach((g, i) => {
        const diff = maxRelativeDifference(actual[i]!, expected[i]!);
        assert.ok(diff <= 2e-5, `group ${i} (lrScale ${g.lrScale}, weightDecay ${g.weightDecay}): max relative difference ${diff.toExponential(2)} > 2e-5`);
      });
      // The scales matter: the groups must not have moved alike (a scale ignored would pass otherwise).
      const start = initialValues(GROUPS[2]!.size, 12).map((x) => x + 2);
      const movedSlow = maxRelativeDifference(expected[2]!, start);
      assert.ok(movedSlow > 1e-4, `the slow group must move (moved ${movedSlow})`);
    });
  }
}

test.run();

// Clipping, gradient accumulation and the moving average, alone and together, with several groups:
// the grouped optimizer (minimize, as a training loop calls it; ops and fused engines; cpu, wasm and
// WebGPU on SwiftShader) follows a float64 reference of Keras 3's order
// (test/support/reference-training.ts), and a checkpoint taken mid-cycle (getWeights -> a new
// optimizer from getConfig -> setWeights) resumes bit for bit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { read, releaseWebGpu, useBackend, type BackendName } from './support/backend.js';
import { initialValues, maxRelativeDifference, quadratic, quadraticGradient, type Quadratic } from './support/rule-cases.js';
import { referenceStep, startState, type ReferenceOptions } from './support/reference-training.js';

const STEPS = 24;
const wobble = (step: number) => Math.fround(Math.sin(0.7 * step));
const GROUPS = [
  { size: 1, lrScale: 1, weightDecay: 0 },
  { size: 37, lrScale: 0.5, weightDecay: 0.05 },
  { size: 300, lrScale: 0.1, weightDecay: 0.01 },
];
const start = (i: number) => initialValues(GROUPS[i]!.size, 10 + i).map((x) => x + 2);

interface Case { label: string; rule: string; lr: number; hyper: Record<string, number | boolean>; options: ReferenceOptions }
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const ADAMW = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const CASES: Case[] = [
  { label: 'sgd clipvalue 0.5', rule: 'sgd', lr: 0.05, hyper: {}, options: { clipvalue: 0.5 } },
  { label: 'adam clipvalue 0.5', rule: 'adam', lr: 0.05, hyper: ADAM, options: { clipvalue: 0.5 } },
  { label: 'sgd clipnorm 1', rule: 'sgd', lr: 0.05, hyper: {}, options: { clipnorm: 1 } },
  { label: 'momentum clipnorm 2', rule: 'momentum', lr: 0.02, hyper: { momentum: 0.9, useNesterov: false }, options: { clipnorm: 2 } },
  { label: 'sgd globalClipnorm 10', rule: 'sgd', lr: 0.05, hyper: {}, options: { globalClipnorm: 10 } },
  { label: 'adamw globalClipnorm 10', rule: 'adamw', lr: 0.05, hyper: ADAMW, options: { globalClipnorm: 10 } },
  { label: 'sgd accumulation 3', rule: 'sgd', lr: 0.05, hyper: {}, options: { gradientAccumulationSteps: 3 } },
  { label: 'adam accumulation 4', rule: 'adam', lr: 0.05, hyper: ADAM, options: { gradientAccumulationSteps: 4 } },
  { label: 'adamw accumulation 3 + globalClipnorm 10', rule: 'adamw', lr: 0.05, hyper: ADAMW, options: { gradientAccumulationSteps: 3, globalClipnorm: 10 } },
  { label: 'adam ema 0.9', rule: 'adam', lr: 0.05, hyper: ADAM, options: { useEma: true, emaMomentum: 0.9 } },
  { label: 'sgd ema 0.8 overwrite every 5, accumulation 2, clipnorm 3', rule: 'sgd', lr: 0.05, hyper: {}, options: { useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 5, gradientAccumulationSteps: 2, clipnorm: 3 } },
];

interface Run { params: Float32Array[]; averages: Float32Array[] }

async function runGrouped(c: Case, engine: 'ops' | 'fused', problems: Quadratic[], checkpointAt: number | null): Promise<Run> {
  const vars = GROUPS.map((_, i) => tf.variable(tf.tensor1d(start(i)), true, `training_options_v${i}`));
  const cs = problems.map((q) => tf.tensor1d(Float32Array.from(q.c)));
  const targets = problems.map((q) => tf.tensor1d(Float32Array.from(q.target)));
  let optimizer = new GroupedOptimizer(c.rule, GROUPS.map((g, i) => ({ params: [vars[i]!], lrScale: g.lrScale, weightDecay: g.weightDecay })), {
    learningRate: c.lr, engine, ...(c.rule === 'momentum' ? { momentum: 0.9 } : {}), ...c.options,
  });
  for (let step = 0; step < STEPS; step++) {
    if (step === checkpointAt) {
      const saved = await optimizer.getWeights();
      const restored = GroupedOptimizer.fromConfig(GroupedOptimizer, JSON.parse(JSON.stringify(optimizer.getConfig()))) as GroupedOptimizer;
      await restored.setWeights(saved);
      optimizer.dispose();
      optimizer = restored;
    }
    optimizer.minimize(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(cs[i]!, tf.square(tf.sub(v, tf.add(targets[i]!, wobble(step)))))))) as tf.Scalar, false, vars);
  }
  const weights = await optimizer.getWeights();
  const averages = await Promise.all(vars.map(async (v) => {
    const average = weights.find((w) => w.name === `${v.name}/average`);
    return average ? (await read(average.tensor)).slice() : new Float32Array(0);
  }));
  const params = await Promise.all(vars.map(async (v) => (await read(v)).slice()));
  optimizer.dispose();
  tf.dispose([...vars, ...cs, ...targets]);
  return { params, averages };
}

function runReference(c: Case, problems: Quadratic[], options: ReferenceOptions) {
  const s = startState(GROUPS.map((_, i) => Float64Array.from(start(i))));
  for (let step = 0; step < STEPS; step++) {
    const grads = GROUPS.map((_, i) => quadraticGradient(problems[i]!, s.vars[i]!.p, wobble(step)));
    referenceStep(s, grads, c.rule, c.lr, GROUPS, c.hyper, options);
  }
  return s;
}

function trainingOptionsSuite(backend: BackendName, cases: readonly Case[]) {
  const test = suite(`training options on ${backend}`);
  test.before(() => useBackend(backend));
  for (const c of cases) {
    test(`${c.label}: ops and fused follow the float64 reference; a mid-cycle checkpoint resumes bit for bit`, async () => {
      const problems = GROUPS.map((g, i) => quadratic(g.size, 20 + i));
      const expected = runReference(c, problems, c.options);
      const plain = runReference(c, problems, {});
      // What the options change: the trajectory, or (a moving average alone) the averages.
      const optionEffect = Math.max(...GROUPS.map((_, i) => maxRelativeDifference(expected.averages[i] ?? expected.vars[i]!.p, plain.vars[i]!.p)));
      assert.ok(optionEffect > 1e-3, `the options must change the trajectory (changed it by ${optionEffect})`);
      for (const engine of ['ops', 'fused'] as const) {
        const actual = await runGrouped(c, engine, problems, null);
        GROUPS.forEach((g, i) => {
          const diff = maxRelativeDifference(actual.params[i]!, expected.vars[i]!.p);
          assert.ok(diff <= 2e-5, `${engine}, group ${i} (lrScale ${g.lrScale}): max relative difference ${diff.toExponential(2)} > 2e-5`);
          if (c.options.useEma) {
            const avgDiff = maxRelativeDifference(actual.averages[i]!, expected.averages[i]!);
            assert.ok(avgDiff <= 2e-5, `${engine}, group ${i}: the average differs by ${avgDiff.toExponential(2)}`);
          }
        });
        // 7 steps: inside a cycle of 2, 3 or 4 steps, with accumulated gradients pending.
        const resumed = await runGrouped(c, engine, problems, 7);
        GROUPS.forEach((_, i) => {
          assert.equal(resumed.params[i], actual.params[i], `${engine}, group ${i}: resumed params`);
          if (c.options.useEma) assert.equal(resumed.averages[i], actual.averages[i], `${engine}, group ${i}: resumed averages`);
        });
      }
    });
  }
  return test;
}

trainingOptionsSuite('cpu', CASES).run();
trainingOptionsSuite('wasm', CASES).run();
// WebGPU on SwiftShader is slow: the cases that combine every option.
trainingOptionsSuite('webgpu', CASES.filter((c) => c.label.includes('+') || c.label.includes(','))).run();
process.on('beforeExit', () => { if ((globalThis as { navigator?: unknown }).navigator) releaseWebGpu(); });

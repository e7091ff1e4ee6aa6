// What the fused-engine tests (test/engines-fused-<backend>.test.ts) share: the table of cases, a
// trainer that runs the same problem through the ops path and the fused path, and the safety checks
// every backend must pass. The reference is always the ops path (tfjs ops, one kernel per
// operation), never the fused code itself, so a wrong fused engine fails.
import { test as uvuTest, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, type UpdateEngine } from '../../src/index.js';
import { RULE_CASES, initialValues, maxRelativeDifference, quadratic } from './rule-cases.js';
import { read } from './backend.js';

export { RULE_CASES };
/** 'ops', 'fused' (the backend's engine from the table), or an engine object made with test options. */
export type Engine = 'ops' | 'fused' | UpdateEngine;

/**
 * The groups of every case: scales and weight decays differ (so each rule runs with and without its
 * decay line, L2 or AdamW's decoupled one), sizes are no multiples of 4 or of a workgroup, and one
 * variable has a single element.
 */
export const FUSED_GROUPS = [
  { shapes: [[1], [7]], lrScale: 1, weightDecay: 0 },
  { shapes: [[37], [8, 8], [130]], lrScale: 0.5, weightDecay: 0.05 },
  { shapes: [[1500], [7, 37]], lrScale: 0.1, weightDecay: 0.01 },
];

export const STEPS = 100;
export const TOLERANCE = 1e-5;

export interface Problem {
  vars: tf.Variable[];
  /** Every variable is named `${prefix}/v${i}`; the prefix is unique to the problem. */
  prefix: string;
  step(optimizer: tf.Optimizer, t: number): void;
  dispose(): void;
}

let problemCount = 0;

/**
 * Variables with fixed starting values, and a step that applies the gradient of the convex loss
 * sum(c * (p - target - wobble(t))^2): the same gradients, as tfjs ops, for both engines. The
 * target wobbles so that gradients vary (centered rmsprop needs it, see optimizer-matches-stock).
 */
export function makeProblem(shapes: number[][], label: string): Problem {
  const prefix = `${label}-${problemCount++}`;
  const vars = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.variable(tf.tensor(initialValues(size, 10 + i).map((x) => x + 2), shape), true, `${prefix}/v${i}`);
  });
  const qs = shapes.map((shape, i) => quadratic(shape.reduce((a, b) => a * b, 1), 20 + i));
  const twoC = qs.map((q, i) => tf.tensor(Float32Array.from(q.c, (c) => 2 * c), shapes[i]));
  const target = qs.map((q, i) => tf.tensor(Float32Array.from(q.target), shapes[i]));
  return {
    vars,
    prefix,
    step(optimizer, t) {
      const wobble = Math.fround(Math.sin(0.7 * t));
      tf.tidy(() => {
        optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.mul(twoC[i]!, tf.sub(v, tf.add(target[i]!, wobble))) })));
      });
    },
    dispose() { tf.dispose([...vars, ...twoC, ...target]); },
  };
}

export function groupedOptimizer(rule: string, learningRate: number, options: Record<string, unknown>, engine: Engine, vars: tf.Variable[]): GroupedOptimizer {
  let next = 0;
  const groups = FUSED_GROUPS.map((g) => {
    const params = vars.slice(next, next + g.shapes.length);
    next += g.shapes.length;
    return { params, lrScale: g.lrScale, weightDecay: g.weightDecay };
  });
  return new GroupedOptimizer(rule, groups, { learningRate, engine, ...options });
}

export interface Trained { params: Float32Array[]; state: Map<string, Float32Array>; moved: number }

/** Trains the table's groups for `steps` steps and reads params and every slot back. `extra`: more optimizer options (clipping). */
export async function trainGroups(rc: (typeof RULE_CASES)[number], engine: Engine, steps = STEPS, extra: Record<string, unknown> = {}): Promise<Trained> {
  const problem = makeProblem(FUSED_GROUPS.flatMap((g) => g.shapes), typeof engine === 'string' ? engine : engine.name);
  const start = await Promise.all(problem.vars.map(read));
  const optimizer = groupedOptimizer(rc.rule, rc.learningRate, { ...rc.options, ...extra }, engine, problem.vars);
  for (let t = 0; t < steps; t++) problem.step(optimizer, t);
  const params = await Promise.all(problem.vars.map(async (v) => (await read(v)).slice()));
  const state = new Map<string, Float32Array>();
  for (const w of await optimizer.getWeights()) {
    // Names are `${prefix}/v${i}/${slot}`; drop the per-run prefix so both runs line up.
    state.set(w.name.replace(`${problem.prefix}/`, ''), (await read(w.tensor)).slice());
  }
  const moved = Math.max(...params.map((p, i) => maxRelativeDifference(p, start[i]!)));
  optimizer.dispose();
  problem.dispose();
  return { params, state, moved };
}

/** Asserts bit-equal arrays, naming the first difference (uvu's diff of a long array is unreadable). */
export function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.unreachable(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * Asserts that two trainings agree within TOLERANCE, param by param and slot by slot, each element
 * relative to itself (floor 1e-3). `slots: 'scale'`: a slot's elements relative to the slot's
 * largest instead. A clip factor computed in another order (the GPU's sum of squares) differs in its
 * last bits; a momentum or mean slot element near zero is a sum of gradient-sized terms that cancel,
 * so that difference is large against the element but not against the terms (measured on WebGPU,
 * momentum, globalClipnorm: an element of 0.17 in a slot up to 4.1 off by 2e-6, the params by 1.7e-7).
 */
export function assertSameTraining(fused: Trained, ops: Trained, { slots = 'element', slotTolerance = TOLERANCE }: { slots?: 'element' | 'scale'; slotTolerance?: number } = {}) {
  assert.ok(ops.moved > 1e-3, `the ops path must move the weights (moved ${ops.moved})`);
  ops.params.forEach((expected, i) => {
    const diff = maxRelativeDifference(fused.params[i]!, expected);
    assert.ok(diff <= TOLERANCE, `param ${i}: max relative difference ${diff.toExponential(2)} > ${TOLERANCE}`);
  });
  assert.equal([...fused.state.keys()], [...ops.state.keys()], 'the same optimizer weights');
  for (const [name, expected] of ops.state) {
    if (name === 'iter') continue;
    const floor = slots === 'scale' ? Math.max(1e-3, ...expected.map(Math.abs)) : 1e-3;
    const diff = maxRelativeDifference(fused.state.get(name)!, expected, floor);
    assert.ok(diff <= slotTolerance, `slot ${name}: max ${slots === 'scale' ? 'difference relative to its largest element' : 'relative difference'} ${diff.toExponential(2)} > ${slotTolerance}`);
  }
}

/** For each case of the table: the fused engine follows the ops path for STEPS steps. */
/** `test`: where to register (uvu's default suite, or a suite of one backend's). */
export function defineEquivalenceTests(backend: string, test: Test = uvuTest) {
  for (const rc of RULE_CASES) {
    test(`${backend}: ${rc.label}, fused equals ops after ${STEPS} steps (3 groups, 7 variables)`, async () => {
      const ops = await trainGroups(rc, 'ops');
      const fused = await trainGroups(rc, 'fused');
      assertSameTraining(fused, ops);
    });
  }
}

/** Checks that hold on every backend with a fused engine. `leakSteps`: how long the leak check runs. */
export function defineSafetyTests(backend: string, { leakSteps }: { leakSteps: number }, test: Test = uvuTest) {
  const adam = RULE_CASES.find((r) => r.label === 'adam')!;

  test(`${backend}: a variable sharing its data id (tf.variable(t), clone, reshape) leaves the other tensors alone`, async () => {
    const t = tf.tensor1d(initialValues(1200, 1));
    const before = (await read(t)).slice();
    const v = tf.variable(t, true, `fused-test-shared-${backend}`); // shares t's data id
    const alias = v.clone(); // shares it too
    const reshaped = v.reshape([40, 30]);
    const optimizer = new GroupedOptimizer('adam', [{ params: [v] }], { learningRate: 0.1, engine: 'fused' });
    tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.onesLike(v) }]));
    assertSameValues(await read(t), before, 't (the tensor the variable was made from)');
    assertSameValues(await read(alias), before, 'the clone');
    assertSameValues(await read(reshaped), before, 'the reshaped tensor');
    const after = await read(v);
    // Adam's first step with g = 1 moves by lr / (1 + eps), eps the backend's (1e-4 on tfjs's WebGL).
    const step = 0.1 / (1 + tf.backend().epsilon());
    assert.ok(Math.abs(after[0]! - (before[0]! - step)) < 1e-6, `the variable moved by lr / (1 + eps): ${before[0]} -> ${after[0]}`);
    optimizer.dispose();
    tf.dispose([t, v, alias, reshaped]);
  });

  test(`${backend}: reads after a step see the new values, also when the old ones were read before`, async () => {
    const p = makeProblem([[1300], [3]], `reads-${backend}`);
    const q = makeProblem([[1300], [3]], `reads-ops-${backend}`);
    const optFused = new GroupedOptimizer('adam', [{ params: p.vars }], { learningRate: 0.01, engine: 'fused' });
    const optOps = new GroupedOptimizer('adam', [{ params: q.vars }], { learningRate: 0.01, engine: 'ops' });
    for (let t = 0; t < 3; t++) {
      const stale = (await read(p.vars[0]!)).slice(); // caches a CPU copy on GPU backends
      p.step(optFused, t);
      q.step(optOps, t);
      const fresh = await read(p.vars[0]!);
      assert.not.equal(fresh, stale, `step ${t}: data() returned the values from before the step`);
      assert.ok(maxRelativeDifference(fresh, await read(q.vars[0]!)) <= TOLERANCE, `step ${t}: fused differs from ops`);
    }
    optFused.dispose();
    optOps.dispose();
    p.dispose();
    q.dispose();
  });

  test(`${backend}: tf.memory() is steady from step 10 to step ${leakSteps}`, () => {
    const p = makeProblem(FUSED_GROUPS.flatMap((g) => g.shapes), `leak-${backend}`);
    const optimizer = groupedOptimizer('rmsprop', 0.01, { centered: true, momentum: 0.5 }, 'fused', p.vars);
    let atStep10 = { numTensors: 0, numBytes: 0 };
    for (let t = 1; t <= leakSteps; t++) {
      p.step(optimizer, t);
      if (t === 10) atStep10 = tf.memory();
    }
    const after = tf.memory();
    assert.is(after.numTensors, atStep10.numTensors, 'live tensors');
    assert.is(after.numBytes, atStep10.numBytes, 'live bytes');
    optimizer.dispose();
    p.dispose();
  });

  test(`${backend}: setWeights after fused steps continues exactly where getWeights left off; the loaded tensors stay intact`, async () => {
    const a = makeProblem(FUSED_GROUPS.flatMap((g) => g.shapes), `save-${backend}`);
    const b = makeProblem(FUSED_GROUPS.flatMap((g) => g.shapes), `load-${backend}`);
    const optA = groupedOptimizer(adam.rule, adam.learningRate, adam.options, 'fused', a.vars);
    for (let t = 0; t < 10; t++) a.step(optA, t);
    // A second optimizer on a copy of the model, loaded from the first one's weights.
    // (assign of a clone: b's variables share a's data ids, which the fused engine must respect)
    tf.tidy(() => a.vars.forEach((v, i) => b.vars[i]!.assign(v.clone())));
    const saved = await optA.getWeights();
    const loaded = saved.map((w) => ({ name: w.name.replace(`${a.prefix}/`, `${b.prefix}/`), tensor: tf.clone(w.tensor) }));
    const loadedValues = await Promise.all(loaded.map(async (w) => (await read(w.tensor)).slice()));
    const optB = groupedOptimizer(adam.rule, adam.learningRate, adam.options, 'fused', b.vars);
    await optB.setWeights(loaded);
    for (let t = 10; t < 20; t++) {
      a.step(optA, t);
      b.step(optB, t);
    }
    for (let i = 0; i < a.vars.length; i++) assertSameValues(await read(b.vars[i]!), await read(a.vars[i]!), `variable ${i}`);
    for (let i = 0; i < loaded.length; i++) assertSameValues(await read(loaded[i]!.tensor), loadedValues[i]!, `loaded tensor ${loaded[i]!.name}`);
    optA.dispose();
    optB.dispose();
    tf.dispose(loaded.map((w) => w.tensor));
    a.dispose();
    b.dispose();
  });
}

/**
 * Each clipping option at a value that bites on the table's problem (its gradients are 2 to 20 per
 * element, the global norm a few hundred): clipvalue clamps some elements, clipnorm every variable
 * but the single-element one (constant ±c there would make centered rmsprop's ms − mg² − eps
 * negative, NaN on the ops path as in stock tfjs), globalClipnorm every step.
 */
export const CLIP_CASES: ReadonlyArray<{ label: string; options: Record<string, number> }> = [
  { label: 'clipvalue 6', options: { clipvalue: 6 } },
  { label: 'clipnorm 20', options: { clipnorm: 20 } },
  { label: 'globalClipnorm 50', options: { globalClipnorm: 50 } },
];
export const CLIP_STEPS = 30;

/**
 * Centered rmsprop's momentum slot accumulates lr·g / sqrt(ms − mg² − eps), where ms − mg² cancels:
 * float32 cannot hold it to 1e-5. Measured on WebGPU with globalClipnorm 50 against the float64
 * reference: the ops path's slot 1.1e-4 of its scale away, the fused one's 1.4e-4, their params 6e-6
 * both. Its slots are compared at 2e-4; the params, and every other rule's slots, at TOLERANCE.
 */
const slotToleranceOf = (label: string) => (label.startsWith('rmsprop centered') ? 2e-4 : TOLERANCE);

/** The backend's fused engine with its runClipped counted: how many steps it fused the clip into (returned true). */
export function countingFusedEngine(engine: UpdateEngine): UpdateEngine & { fused: number; declined: number } {
  const counting = {
    name: engine.name,
    fused: 0,
    declined: 0,
    run: (step: Parameters<UpdateEngine['run']>[0]) => engine.run(step),
    runClipped: (...args: Parameters<NonNullable<UpdateEngine['runClipped']>>) => {
      const done = engine.runClipped!(...args);
      if (done) counting.fused++;
      else counting.declined++;
      return done;
    },
  };
  return counting;
}

/**
 * For each clip option and each rule of the table: the fused engine, clipping inside its update,
 * follows the ops path (which clips with tfjs ops first) within TOLERANCE, and the option changed the
 * trajectory. `fusedClips`: the options this backend fuses; for the others the engine must decline
 * (and the step then equals the ops path all the same). `exact`: the params must be bit-equal (cpu
 * and wasm: the host computes the norms as the backend's kernels do, see clip-factors.ts). `steps`:
 * steps per training (CLIP_STEPS; fewer in a browser on SwiftShader).
 */
export function defineClipTests(backend: string, engine: UpdateEngine, fusedClips: readonly string[], test: Test = uvuTest, { exact = false, steps = CLIP_STEPS } = {}) {
  for (const clip of CLIP_CASES) {
    const fuses = fusedClips.some((k) => k in clip.options);
    test(`${backend}: ${clip.label}, every rule: fused ${fuses ? 'clips inside the update and' : 'declines the clip and'} equals ops after ${steps} steps`, async () => {
      for (const rc of RULE_CASES) {
        const counting = countingFusedEngine(engine);
        const ops = await trainGroups(rc, 'ops', steps, clip.options);
        const fused = await trainGroups(rc, counting, steps, clip.options);
        assert.is(counting.fused, fuses ? steps : 0, `${rc.label}: steps with the clip fused`);
        assert.is(counting.declined, fuses ? 0 : steps, `${rc.label}: steps where the engine declined`);
        try {
          assertSameTraining(fused, ops, { slots: 'scale', slotTolerance: slotToleranceOf(rc.label) });
          if (exact) fused.params.forEach((p, i) => assertSameValues(p, ops.params[i]!, `param ${i}`));
        } catch (e) {
          throw new Error(`${rc.label}: ${(e as Error).message}`);
        }
        const unclipped = await trainGroups(rc, 'ops', steps);
        const effect = Math.max(...ops.params.map((p, i) => maxRelativeDifference(p, unclipped.params[i]!)));
        assert.ok(effect > 1e-4, `${rc.label}: ${clip.label} must change the trajectory (changed it by ${effect.toExponential(2)})`);
      }
    });
  }

  // A NaN gradient element under each clip, two variables in one group: clipvalue keeps the NaN
  // where it is (tf.clip_by_value, torch.clamp); globalClipnorm makes every gradient of the step NaN
  // (clip_grad_norm_: the norm is NaN, so is the factor). Adam then makes those parameters NaN; a
  // kernel or a backend op that dropped the NaN would step them as if the gradient were finite.
  const NAN_CASES = [
    { label: 'clipvalue 0.5', options: { clipvalue: 0.5 }, nanWhere: (g: number[][]) => g.map((v) => v.map(Number.isNaN)) },
    { label: 'globalClipnorm 1', options: { globalClipnorm: 1 }, nanWhere: (g: number[][]) => g.map((v) => v.map(() => true)) },
  ];
  for (const nanCase of NAN_CASES) {
    test(`${backend}: a NaN in a gradient under ${nanCase.label} is NaN where PyTorch and Keras make it NaN, fused and ops`, async () => {
      const grads = [[0.1, NaN, -3, 2, 0.2, -0.1, NaN, 5, -0.4], [0.3, -0.2, 0.1]];
      const run = async (engineChoice: Engine, label: string) => {
        const vars = grads.map((g, k) => tf.variable(tf.tensor1d(g.map((_, i) => 0.5 - i / 10)), true, `nan-clip-${backend}-${label}-${k}-${problemCount++}`));
        const gs = grads.map((g) => tf.tensor1d(g));
        const counting = typeof engineChoice === 'string' ? null : countingFusedEngine(engineChoice);
        const optimizer = new GroupedOptimizer('adam', [{ params: vars }], { learningRate: 0.01, ...nanCase.options, engine: counting ?? engineChoice });
        optimizer.applyGradients(Object.fromEntries(vars.map((v, k) => [v.name, gs[k]!])));
        const values = await Promise.all(vars.map(async (v) => Array.from(await read(v))));
        if (counting && fusedClips.some((k) => k in nanCase.options)) assert.is(counting.fused, 1, 'the clip was fused');
        optimizer.dispose();
        tf.dispose([...vars, ...gs]);
        return values;
      };
      const expected = nanCase.nanWhere(grads);
      for (const [label, engineChoice] of [['fused', engine], ['ops', 'ops']] as const) {
        const values = await run(engineChoice, label);
        assert.equal(values.map((v) => v.map(Number.isNaN)), expected, `NaN elements, ${label}: ${values.map((v) => v.join(', ')).join(' | ')}`);
      }
    });
  }

  test(`${backend}: globalClipnorm counts a group with lrScale 0 in the norm, fused as ops`, async () => {
    const run = async (engineChoice: Engine, frozenScale: number) => {
      const p = makeProblem([[40], [300]], `frozen-norm-${backend}`);
      const optimizer = new GroupedOptimizer('sgd', [{ params: [p.vars[0]!] }, { params: [p.vars[1]!], lrScale: frozenScale }], { learningRate: 0.01, globalClipnorm: 20, engine: engineChoice });
      for (let t = 0; t < 3; t++) p.step(optimizer, t);
      const values = (await read(p.vars[0]!)).slice();
      optimizer.dispose();
      p.dispose();
      return values;
    };
    const fused = await run(engine, 0);
    const ops = await run('ops', 0);
    const diff = maxRelativeDifference(fused, ops);
    assert.ok(diff <= TOLERANCE, `fused and ops differ by ${diff.toExponential(2)}`);
    // Were the frozen group's gradients left out of the norm, the trained group would move more.
    const alone = await (async () => {
      const p = makeProblem([[40]], `frozen-norm-alone-${backend}`);
      const optimizer = new GroupedOptimizer('sgd', [{ params: p.vars }], { learningRate: 0.01, globalClipnorm: 20, engine: 'ops' });
      for (let t = 0; t < 3; t++) p.step(optimizer, t);
      const values = (await read(p.vars[0]!)).slice();
      optimizer.dispose();
      p.dispose();
      return values;
    })();
    assert.ok(maxRelativeDifference(fused, alone) > 1e-3, 'the frozen group\'s gradients must count in the norm');
  });
}

// Property-based tests (fast-check) over random group layouts, checkpoint points and bad steps, on the
// cpu backend. Each property is checked against something independent of the code under test: which
// group a variable is in is read off how far an SGD step moved it (each group has its own scale), and
// compared with a brute-force reading of the documented lookup order; a resumed run is compared with
// the same run uninterrupted; a failed step with the state before it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, type GroupSpec } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

let runs = 0;
/** Names with digits that tempt a sloppy matcher: v_1, v_10, v_1_1, w1 ... */
const NAME_STEMS = ['v_1', 'v_10', 'v_2', 'v_1_1', 'w1', 'w_0', 'dense/kernel', 'dense/kernel_1'];

interface Layout {
  /** Per variable: how each group refers to it (or not). */
  groups: Array<{ explicit: number[]; names: number[]; pattern: string | null }>;
  defaultGroup: number | null;
}

const layoutArb = fc.record({
  groups: fc.array(fc.record({
    explicit: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
    names: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
    pattern: fc.option(fc.constantFrom('^v_1', '^v_', 'kernel', '^w', '_1$', '^nothing'), { nil: null }),
  }), { minLength: 1, maxLength: 4 }),
  defaultGroup: fc.option(fc.nat(3), { nil: null }),
}).map((l): Layout => ({ ...l, defaultGroup: l.defaultGroup !== null && l.defaultGroup < l.groups.length ? l.defaultGroup : null }));

/**
 * The documented lookup order, brute force: variables given as objects, then exact names, then
 * patterns, then the default group; two groups in the first tier that has any is an error. (All
 * variables are live, so no name meets another by its stem.) Returns a group index or 'error'.
 */
function expectedGroup(layout: Layout, v: number, name: string): number | 'error' {
  const tiers = [
    layout.groups.flatMap((g, i) => (g.explicit.includes(v) ? [i] : [])),
    layout.groups.flatMap((g, i) => (g.names.includes(v) ? [i] : [])),
    layout.groups.flatMap((g, i) => (g.pattern !== null && new RegExp(g.pattern).test(name) ? [i] : [])),
  ];
  for (const tier of tiers) {
    if (tier.length > 1) return 'error';
    if (tier.length === 1) return tier[0]!;
  }
  return layout.defaultGroup ?? 'error';
}

test('every variable is in exactly one group, the one the lookup order gives, or the step says why and changes nothing', () => {
  fc.assert(fc.property(layoutArb, (layout) => {
    const prefix = `prop${runs++}x`;
    // Every name starts with this run's prefix, and so does every anchored pattern.
    const vars = NAME_STEMS.map((stem) => tf.variable(tf.fill([2], 10), true, `${prefix}${stem}`));
    const names = vars.map((v) => v.name);
    const anchored = (p: string | null) => (p === null ? null : p.startsWith('^') ? `^${prefix}${p.slice(1)}` : p);
    try {
      const adjusted: Layout = { ...layout, groups: layout.groups.map((g) => ({ ...g, pattern: anchored(g.pattern) })) };
      const specs: GroupSpec[] = adjusted.groups.map((g, i) => ({
        name: `g${i}`,
        lrScale: (i + 1) / 8,
        params: [...g.explicit.map((k) => vars[k]!), ...g.names.map((k) => names[k]!), ...(g.pattern ? [new RegExp(g.pattern)] : [])],
      }));
      const expected = names.map((n, k) => expectedGroup(adjusted, k, n));
      // A group that claims nothing, and explicit variables in two groups, are refused when the optimizer is made or at the first step.
      const explicitTwice = vars.some((_, k) => layout.groups.filter((g) => g.explicit.includes(k)).length > 1);
      const empty = layout.groups.some((g, i) => g.explicit.length === 0 && g.names.length === 0 && !names.some((n) => adjusted.groups[i]!.pattern && new RegExp(adjusted.groups[i]!.pattern!).test(n)));
      let optimizer: GroupedOptimizer;
      try {
        optimizer = new GroupedOptimizer('sgd', specs, { learningRate: 1, defaultGroup: layout.defaultGroup ?? undefined });
      } catch (e) {
        assert.ok(explicitTwice || empty, `construction refused a valid layout: ${(e as Error).message}`);
        assert.match((e as Error).message, /is in two groups|is empty/);
        return;
      }
      const grads = vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
      if (explicitTwice || empty || expected.includes('error')) {
        assert.throws(() => optimizer.applyGradients(grads), /is in two groups|is in no group|is empty/);
        vars.forEach((v) => assert.equal(Array.from(v.dataSync()), [10, 10], `${v.name} moved in a failed step`));
        assert.is(optimizer.iterations, 0);
      } else {
        optimizer.applyGradients(grads);
        vars.forEach((v, k) => {
          const group = expected[k] as number;
          const moved = 10 - v.dataSync()[0]!;
          assert.ok(Math.abs(moved - (group + 1) / 8) < 1e-6, `${v.name}: moved ${moved}, but group ${group} has scale ${(group + 1) / 8}`);
          assert.ok(optimizer.paramGroups[group]!.params.includes(v.name), `${v.name} listed in group ${group}`);
        });
      }
      tf.dispose(grads.map((g) => g.tensor));
    } finally {
      tf.dispose(vars);
    }
  }), { numRuns: 150, seed: 20261201 });
});

const resumeArb = fc.record({
  rule: fc.constantFrom('adam', 'adamw', 'rmsprop', 'momentum', 'adagrad', 'adadelta', 'adamax'),
  steps: fc.integer({ min: 1, max: 8 }),
  savePoint: fc.integer({ min: 0, max: 8 }),
  sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  scales: fc.array(fc.constantFrom(0, 0.1, 0.5, 1), { minLength: 1, maxLength: 3 }),
  /** The resumed run's variables: the same objects, or a reloaded model's copies named `<name>_<n>`. */
  reloaded: fc.boolean(),
});

test('a run saved at any step and resumed equals the run uninterrupted, bit for bit', async () => {
  await fc.assert(fc.asyncProperty(resumeArb, async ({ rule, steps, savePoint, sizes, scales, reloaded }) => {
    const save = Math.min(savePoint, steps);
    const prefix = `resume${runs++}`;
    const make = (suffix: string) => sizes.map((n, i) => tf.variable(tf.tensor1d(Array.from({ length: n }, (_, j) => Math.sin(i + j) + 2)), true, `${prefix}/layer_${i}/kernel${suffix}`));
    const groupsOf = (vs: tf.Variable[]): GroupSpec[] => scales.map((lrScale, g) => ({ name: `g_${g}`, lrScale, weightDecay: g % 2 ? 0.01 : 0, params: vs.filter((_, i) => i % scales.length === g) }))
      .filter((g) => (g.params as tf.Variable[]).length > 0);
    const options = { learningRate: 0.05, ...(rule === 'momentum' ? { momentum: 0.9 } : {}) };
    const gradient = (v: tf.Variable, t: number) => tf.tidy(() => tf.sin(tf.add(tf.mul(v, 3), t)));
    const stepAll = (opt: GroupedOptimizer, vs: tf.Variable[], t: number) => {
      const grads = vs.map((v) => ({ name: v.name, tensor: gradient(v, t) }));
      opt.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    };

    const straight = make('');
    const a = new GroupedOptimizer(rule, groupsOf(straight), options);
    for (let t = 0; t < steps; t++) stepAll(a, straight, t);

    const first = make(`_s`);
    const b = new GroupedOptimizer(rule, groupsOf(first), options);
    for (let t = 0; t < save; t++) stepAll(b, first, t);
    const config = JSON.parse(JSON.stringify(b.getConfig()));
    const weights = await b.getWeights();
    const resumedVars = reloaded ? first.map((v) => tf.variable(v, true, `${v.name}_${runs}`)) : first;
    const c = GroupedOptimizer.fromConfig(GroupedOptimizer, config) as GroupedOptimizer;
    await c.setWeights(weights);
    for (let t = save; t < steps; t++) stepAll(c, resumedVars, t);
    straight.forEach((v, i) => assert.equal(Array.from(resumedVars[i]!.dataSync()), Array.from(v.dataSync()), `${rule}: variable ${i} after resuming at step ${save} of ${steps}`));
    assert.is(c.iterations, steps);
    for (const o of [a, b, c]) o.dispose();
    tf.dispose([...straight, ...first, ...(reloaded ? resumedVars : [])]);
  }), { numRuns: 60, seed: 7 });
});

const badStepArb = fc.record({
  rule: fc.constantFrom('adam', 'adamw', 'sgd', 'rmsprop'),
  before: fc.integer({ min: 0, max: 3 }),
  bad: fc.constantFrom('shape', 'disposed', 'string', 'unregistered', 'lrScale overflow', 'state shape'),
  at: fc.nat(3),
});

test('a step refused for any reason changes nothing: weights, state, step count', async () => {
  await fc.assert(fc.asyncProperty(badStepArb, async ({ rule, before, bad, at }) => {
    const prefix = `bad${runs++}`;
    const vs = [3, 5, 1, 4].map((n, i) => tf.variable(tf.fill([n], i + 1), true, `${prefix}_${i}`));
    const opt = new GroupedOptimizer(rule, [{ params: vs.slice(0, 2) }, { name: 'second', params: vs.slice(2), lrScale: 0.5 }], { learningRate: 0.1, defaultGroup: 0 });
    const grads = () => vs.map((v) => ({ name: v.name, tensor: tf.onesLike(v) as tf.Tensor }));
    for (let t = 0; t < before; t++) opt.applyGradients(grads());
    const g = grads();
    const target = g[at]!;
    if (bad === 'shape') target.tensor = tf.ones([7]);
    if (bad === 'disposed') target.tensor.dispose();
    if (bad === 'string') target.tensor = tf.fill(target.tensor.shape, 'x');
    if (bad === 'unregistered') target.name = `${prefix}_nowhere`; // no such tf.Variable
    if (bad === 'lrScale overflow') opt.paramGroups[1]!.lrScale = 1e300;
    if (bad === 'state shape') {
      const slots = rule === 'sgd' ? [] : rule === 'rmsprop' ? ['rms', 'momentum'] : ['m', 'v'];
      if (slots.length === 0) return; // sgd has no state
      const fresh = tf.variable(tf.ones([2]), true, `${prefix}_new`);
      vs.push(fresh);
      g.push({ name: fresh.name, tensor: tf.onesLike(fresh) });
      // A checkpoint holding the iteration count and state of another shape for the new variable (in the default group).
      await opt.setWeights([{ name: 'iter', tensor: tf.scalar(opt.iterations) }, ...slots.map((s) => ({ name: `${fresh.name}/${s}`, tensor: tf.zeros([9]) }))]);
    }
    const weights = vs.map((v) => Array.from(v.dataSync()));
    const state = (await opt.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]);
    const steps = opt.iterations;
    assert.throws(() => opt.applyGradients(g));
    assert.equal(vs.map((v) => Array.from(v.dataSync())), weights, `${bad}: weights changed`);
    assert.equal((await opt.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]), state, `${bad}: state changed`);
    assert.is(opt.iterations, steps, `${bad}: the step was counted`);
    opt.dispose();
    tf.dispose(vs);
  }), { numRuns: 80, seed: 3 });
});

test.run();

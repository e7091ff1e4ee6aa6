// One parameter set of the benchmark on the active tfjs backend: stock tfjs Adam, the grouped
// optimizer (AdamW formula at weight decay 0, 13 layer-decay groups) on the ops path and on the
// fused path, and a bare floor kernel, timed in the same run. Shared by the Node worker
// (bench/worker.mjs: cpu, wasm, webgpu on Dawn) and the browser page (bench/browser-page.mjs: webgl
// and webgpu in Chromium).
//
// Each step applies fixed gradients (the optimizer alone is timed, not a model), then awaits a read
// of the smallest parameter, so that on a GPU backend the GPU work is inside the time. Timing is
// interleaved in rounds, one step of each impl per round (slow impls only in the first `slowSteps`
// rounds), so that load from other processes on the machine hits all impls alike.
// `sequentialSlow`: stock and grouped-ops run first, alone, each disposed before the next: several
// optimizers' state of ViT-B at once would outgrow the wasm heap (4 GiB).
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../dist/src/index.js';
import { PARAM_SETS, GROUP_COUNT, lrScaleOf, paramCount } from './param-sets.mjs';

/** Adam reads p, g, m, v and writes p, m, v: 7 float32 per parameter. */
export const BYTES_PER_PARAM = 28;
const isFast = (impl) => impl === 'floor' || impl.startsWith('grouped-fused');

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/**
 * Rows {paramSet, variables, params, impl, groups, msPerStep, dispatchesPerStep, gbPerS, copyGbPerS, steps | skipped}.
 *   plan:    {warmup, slowSteps, fastSteps, sequentialSlow?, skip?: {impl: why}}
 *   floor:   (params) => impl or a promise of one; an impl is {step(): Promise<void>, dispose()}
 *   copyMs:  (params) => promise of the ms of one plain copy of the step's bytes (the bandwidth ceiling)
 *   count:   () => GPU commands so far (dispatches, draws), or null where there is nothing to count
 *   release: () => void, called when an optimizer is done (frees engine caches such as WebGPU arenas)
 *   engines: more grouped impls, {name: engine object}, e.g. a fused engine with other options ('grouped-fused-…')
 */
export async function measureSet({ setName, plan, floor, copyMs, count = () => null, release = () => {}, engines = {} }) {
  const specs = PARAM_SETS[setName]();
  const params = paramCount(specs);
  const gbPerS = (ms) => (params * BYTES_PER_PARAM) / (ms * 1e6);
  const copyBefore = await copyMs(params);
  // Each optimizer trains its own copy of the variables, so that one impl's output layout (an
  // unpacked WebGL texture, say) never changes what the next impl reads.
  const makeVars = (copy) => specs.map((s, i) => tf.variable(tf.randomUniform(s.shape, -0.1, 0.1, 'float32', i), true, `${setName}/${copy}/${s.name}`));
  const grads = specs.map((s, i) => tf.randomNormal(s.shape, 0, 0.01, 'float32', 1000 + i));
  const makers = {
    stock: () => tf.train.adam(1e-3),
    'grouped-ops': (groups) => new GroupedOptimizer('adam', groups, { learningRate: 1e-3, engine: 'ops' }),
    'grouped-fused': (groups) => new GroupedOptimizer('adam', groups, { learningRate: 1e-3, engine: 'fused' }),
    ...Object.fromEntries(Object.entries(engines).map(([name, engine]) => [name, (groups) => new GroupedOptimizer('adam', groups, { learningRate: 1e-3, engine })])),
  };
  const impls = {};
  for (const [impl, make] of Object.entries(makers)) {
    if (plan.skip?.[impl]) continue;
    impls[impl] = () => {
      const vars = makeVars(impl);
      const groups = Array.from({ length: GROUP_COUNT }, (_, g) => ({ params: vars.filter((_, i) => specs[i].group === g), lrScale: lrScaleOf(g) }));
      const named = Object.fromEntries(vars.map((v, i) => [v.name, grads[i]]));
      // The smallest parameter: reading it back waits for the step's GPU work, at a negligible cost.
      const probe = vars.reduce((a, b) => (b.size < a.size ? b : a));
      const optimizer = make(groups);
      return {
        step: async () => { optimizer.applyGradients(named); await probe.data(); },
        dispose: () => { optimizer.dispose(); tf.dispose(vars); release(); },
      };
    };
  }
  impls.floor = () => floor(params);

  const times = {};
  const counts = {};
  const timeSteps = async (impl, step, steps) => {
    for (let i = 0; i < steps; i++) {
      const before = count();
      const t0 = performance.now();
      await step();
      times[impl].push(performance.now() - t0);
      if (before !== null) counts[impl].push(count() - before);
    }
  };
  const live = {};
  for (const [impl, start] of Object.entries(impls)) {
    times[impl] = [];
    counts[impl] = [];
    const running = await start();
    for (let i = 0; i < plan.warmup; i++) await running.step();
    if (plan.sequentialSlow && !isFast(impl)) {
      await timeSteps(impl, running.step, plan.slowSteps);
      running.dispose();
    } else {
      live[impl] = running;
    }
  }
  for (let round = 0; round < plan.fastSteps; round++) {
    for (const [impl, running] of Object.entries(live)) {
      if (isFast(impl) || round < plan.slowSteps) await timeSteps(impl, running.step, 1);
    }
  }
  const copyGbPerS = gbPerS(Math.min(copyBefore, await copyMs(params)));
  const rows = [];
  for (const impl of [...Object.keys(makers), 'floor']) {
    const row = { paramSet: setName, variables: specs.length, params, impl, groups: impl === 'stock' || impl === 'floor' ? 1 : GROUP_COUNT };
    if (!impls[impl]) {
      rows.push({ ...row, msPerStep: null, dispatchesPerStep: null, gbPerS: null, copyGbPerS, skipped: plan.skip[impl] });
      continue;
    }
    const msPerStep = median(times[impl]);
    rows.push({ ...row, msPerStep, dispatchesPerStep: counts[impl].length ? median(counts[impl]) : null, gbPerS: gbPerS(msPerStep), copyGbPerS, steps: times[impl].length });
    live[impl]?.dispose();
  }
  release();
  tf.dispose(grads);
  return rows;
}

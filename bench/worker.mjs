// One backend's share of the benchmark, run in its own process by bench/run.mjs (tfjs backends are
// process-global). Prints one `ROW {json}` line per result.
//   node bench/worker.mjs <cpu|wasm|webgpu> [paramSet,...]
// Each step applies fixed gradients (the optimizer alone is timed, not a model), then awaits a
// read of the smallest parameter, so that on webgpu the GPU work is inside the time.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { GroupedOptimizer } from '../dist/src/index.js';
import { webgpuEngine } from '../dist/src/engines/webgpu/engine.js';
import { useBackend, releaseWebGpu } from '../dist/test/support/backend.js';
import { PARAM_SETS, GROUP_COUNT, lrScaleOf, paramCount } from './param-sets.mjs';
import { webgpuFloor, webgpuCopy } from './webgpu-floor.mjs';
import { wasmSimdFloor } from './wasm-simd-floor.mjs';

const BYTES_PER_PARAM = 28; // Adam reads p, g, m, v and writes p, m, v: 7 float32
const backendName = process.argv[2];
const only = process.argv[3]?.split(',');

// Timing is interleaved in rounds, one step of each impl per round (slow impls only in the first
// `slowSteps` rounds), so that load from other processes on the machine hits all impls alike.
// `sequentialSlow`: stock and grouped-ops run first, alone, each disposed before the next: several
// optimizers' state of ViT-B at once would outgrow the wasm heap (4 GiB).
const PLAN = {
  'vit-ti': { warmup: 2, slowSteps: 5, fastSteps: 10 },
  'vit-b': {
    warmup: 1, slowSteps: 1, fastSteps: 4, sequentialSlow: true,
    skip: {
      cpu: { stock: 'too slow for the time budget (~15 s/step)', 'grouped-ops': 'too slow for the time budget (~15 s/step)' },
      // tfjs's Adam keeps every temporary of a step until its one tidy ends: ~14 x 346 MB here.
      wasm: { stock: 'aborts: stock Adam outgrows the 4 GiB wasm heap on 86M params' },
    },
  },
  'tiny-2000': { warmup: 2, slowSteps: 3, fastSteps: 9 },
};
const FAST = new Set(['grouped-fused', 'floor']);

await useBackend(backendName);
let dispatches = 0;
if (backendName === 'webgpu') {
  // The GPU must really run: small inputs would otherwise be computed on the CPU.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const pass = globalThis.GPUComputePassEncoder.prototype;
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (...args) { dispatches++; return dispatch.apply(this, args); };
}
const adapter = backendName === 'webgpu'
  ? (({ vendor, architecture }) => `${vendor} ${architecture}`)(tf.backend().adapterInfo ?? {})
  : `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const emit = (row) => console.log(`ROW ${JSON.stringify({ backend: backendName, adapter, ...row })}`);

/** The bandwidth ceiling: one plain copy of the bytes an Adam step moves (read + write = 28 B/param). */
async function copyCeiling(params) {
  const floats = Math.ceil((params * BYTES_PER_PARAM) / 8); // half read, half written
  if (backendName === 'webgpu') return webgpuCopy(tf.backend().device, floats * 4);
  const src = new Float32Array(floats).fill(1);
  const dst = new Float32Array(floats);
  const ms = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    dst.set(src);
    ms.push(performance.now() - t0);
  }
  return median(ms.slice(2));
}

for (const [setName, makeSet] of Object.entries(PARAM_SETS)) {
  if (only && !only.includes(setName)) continue;
  const plan = PLAN[setName];
  const specs = makeSet();
  const params = paramCount(specs);
  const gbPerS = (ms) => (params * BYTES_PER_PARAM) / (ms * 1e6);
  const copyMs = await copyCeiling(params);
  const vars = specs.map((s, i) => tf.variable(tf.randomUniform(s.shape, -0.1, 0.1, 'float32', i), true, `${setName}/${s.name}`));
  const grads = {};
  specs.forEach((s, i) => { grads[vars[i].name] = tf.randomNormal(s.shape, 0, 0.01, 'float32', 1000 + i); });
  const groups = Array.from({ length: GROUP_COUNT }, (_, g) => ({ params: vars.filter((_, i) => specs[i].group === g), lrScale: lrScaleOf(g) }));
  // The smallest parameter: reading it back waits for the step's GPU work, at a negligible cost.
  const probe = vars.reduce((a, b) => (b.size < a.size ? b : a));
  const done = async () => { await probe.data(); };
  const makers = {
    stock: () => tf.train.adam(1e-3),
    'grouped-ops': () => new GroupedOptimizer('adam', groups, { learningRate: 1e-3, engine: 'ops' }),
    'grouped-fused': () => new GroupedOptimizer('adam', groups, { learningRate: 1e-3, engine: 'fused' }),
  };
  // impl -> () => {step(): Promise<void>, dispose()}; every step ends when its work is done.
  const impls = {};
  for (const [impl, make] of Object.entries(makers)) {
    if (plan.skip?.[backendName]?.[impl]) continue;
    impls[impl] = () => {
      const optimizer = make();
      return { step: async () => { optimizer.applyGradients(grads); await done(); }, dispose: () => optimizer.dispose() };
    };
  }
  impls.floor = backendName === 'webgpu' ? () => webgpuFloor(tf.backend().device, tf.backend().adapterInfo, params) : () => wasmSimdFloor(params);
  const times = {};
  const dispatchCounts = {};
  const timeSteps = async (impl, step, count) => {
    for (let i = 0; i < count; i++) {
      const before = dispatches;
      const t0 = performance.now();
      await step();
      times[impl].push(performance.now() - t0);
      dispatchCounts[impl].push(dispatches - before);
    }
  };
  const live = {};
  for (const [impl, start] of Object.entries(impls)) {
    times[impl] = [];
    dispatchCounts[impl] = [];
    const running = await start();
    for (let i = 0; i < plan.warmup; i++) await running.step();
    if (plan.sequentialSlow && !FAST.has(impl)) {
      await timeSteps(impl, running.step, plan.slowSteps);
      running.dispose();
      if (backendName === 'webgpu') webgpuEngine.releaseArenas();
    } else {
      live[impl] = running;
    }
  }
  for (let round = 0; round < plan.fastSteps; round++) {
    for (const [impl, running] of Object.entries(live)) {
      if (FAST.has(impl) || round < plan.slowSteps) await timeSteps(impl, running.step, 1);
    }
  }
  const copyGbPerS = gbPerS(Math.min(copyMs, await copyCeiling(params)));
  for (const impl of [...Object.keys(makers), 'floor']) {
    const row = { paramSet: setName, variables: vars.length, params, impl, groups: impl === 'stock' || impl === 'floor' ? 1 : GROUP_COUNT };
    if (!impls[impl]) {
      emit({ ...row, msPerStep: null, dispatchesPerStep: null, gbPerS: null, copyGbPerS, skipped: plan.skip[backendName][impl] });
      continue;
    }
    const msPerStep = median(times[impl]);
    emit({ ...row, msPerStep, dispatchesPerStep: backendName === 'webgpu' ? median(dispatchCounts[impl]) : null, gbPerS: gbPerS(msPerStep), copyGbPerS, steps: times[impl].length });
    live[impl]?.dispose();
  }
  if (backendName === 'webgpu') webgpuEngine.releaseArenas();
  tf.dispose(vars);
  tf.dispose(Object.values(grads));
}
if (backendName === 'webgpu') releaseWebGpu();

// One backend's share of the benchmark, run in its own process by bench/run.mjs (tfjs backends are
// process-global). Prints one `ROW {json}` line per result.
//   node bench/worker.mjs <cpu|wasm|webgpu> [paramSet,...]
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { webgpuEngine } from '../dist/src/engines/webgpu/engine.js';
import { useBackend, releaseWebGpu } from '../dist/test/support/backend.js';
import { PARAM_SETS } from './param-sets.mjs';
import { BYTES_PER_PARAM, measureSet, median } from './measure-set.mjs';
import { webgpuFloor, webgpuCopy } from './webgpu-floor.mjs';
import { wasmSimdFloor } from './wasm-simd-floor.mjs';

const backendName = process.argv[2];
const only = process.argv[3]?.split(',');

// Steps per impl and set (bench/measure-set.mjs times them); `skip`: impls a backend cannot run, and why.
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

for (const setName of Object.keys(PARAM_SETS)) {
  if (only && !only.includes(setName)) continue;
  const { skip, ...plan } = PLAN[setName];
  const rows = await measureSet({
    setName,
    plan: { ...plan, skip: skip?.[backendName] },
    floor: (params) => (backendName === 'webgpu' ? webgpuFloor(tf.backend().device, tf.backend().adapterInfo, params) : wasmSimdFloor(params)),
    copyMs: copyCeiling,
    count: () => (backendName === 'webgpu' ? dispatches : null),
    release: () => { if (backendName === 'webgpu') webgpuEngine.releaseArenas(); },
  });
  rows.forEach(emit);
}
if (backendName === 'webgpu') releaseWebGpu();

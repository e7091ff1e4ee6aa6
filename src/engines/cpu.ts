// cpu backend: the rule's WebAssembly SIMD kernel over the backend's own Float32Arrays, through a
// staging memory (simd-staging.ts), in place; where WebAssembly SIMD is missing, the fused JS loop
// (js-kernel.ts), in place too. Both give the ops path's bits. In place is safe on this backend: it
// keeps nothing derived from a tensor's values (unlike wasm's packed weights or WebGL's textures),
// and a data id shared with another tensor is first replaced by a private copy (in-place.ts).
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { ensureOwnData } from './in-place.js';
import { opsEngine } from './ops.js';
import { runStaged, stagedKernel } from './simd-staging.js';

interface CpuBackend { data: { get(dataId: object): { values: unknown } } }

export const cpuEngine: UpdateEngine = {
  name: 'cpu',
  run({ rule, scalars, entries }: GroupStep) {
    const backend = tfc.backend() as unknown as CpuBackend;
    // Data stored as another type than float32 (a cast that relabels int32 data): the portable path.
    if (entries.some(({ param, grad, slots }) => [param, grad, ...slots].some((t) => !(backend.data.get(t.dataId).values instanceof Float32Array)))) {
      opsEngine.run({ rule, scalars, entries });
      return;
    }
    const values = (t: tfc.Tensor) => backend.data.get(t.dataId).values as Float32Array;
    for (const { param, slots } of entries) {
      ensureOwnData(param, () => values(param));
      for (const s of slots) ensureOwnData(s, () => values(s));
    }
    const arrays = entries.map(({ param, grad, slots }) => ({ p: values(param), g: values(grad), slots: slots.map(values) }));
    const simd = stagedKernel(rule);
    if (simd) {
      runStaged(rule, simd, arrays, rule.scalarNames.map((s) => scalars[s]!));
    } else {
      const kernel = jsKernel(rule);
      for (const { p, g, slots } of arrays) kernel(p, g, slots, scalars);
    }
  },
};

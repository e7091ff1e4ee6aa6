// cpu backend: one fused loop per variable over the backend's own Float32Arrays, in place.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { ensureOwnData } from './in-place.js';
import { opsEngine } from './ops.js';

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
    const kernel = jsKernel(rule);
    for (const { param, grad, slots } of entries) {
      ensureOwnData(param, () => values(param));
      for (const s of slots) ensureOwnData(s, () => values(s));
      kernel(values(param), values(grad), slots.map(values), scalars);
    }
  },
};

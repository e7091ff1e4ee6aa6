// wasm backend: the same fused loop as cpu, over Float32Array views of the WASM heap, in place.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { ensureOwnData } from './in-place.js';

interface WasmBackend { typedArrayFromHeap(t: tfc.TensorInfo): Float32Array }

export const wasmEngine: UpdateEngine = {
  name: 'wasm',
  run({ rule, scalars, entries }: GroupStep) {
    const backend = tfc.backend() as unknown as WasmBackend;
    const view = (t: tfc.Tensor) => backend.typedArrayFromHeap(t);
    const kernel = jsKernel(rule);
    for (const { param, grad, slots } of entries) {
      // Copies may allocate and grow the heap, which detaches older views: take views after.
      ensureOwnData(param, () => view(param));
      for (const s of slots) ensureOwnData(s, () => view(s));
      kernel(view(param), view(grad), slots.map(view), scalars);
    }
  },
};

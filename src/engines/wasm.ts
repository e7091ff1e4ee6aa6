// wasm backend: the rule's math compiled to WebAssembly SIMD (wasm-simd-kernel.ts) and run in place
// on the backend's own heap, 4 elements per instruction; the elements past the last multiple of 4,
// and everything where SIMD or the heap's memory is not available, go through the same fused JS
// loop as cpu over Float32Array views of the heap. Both give the same bits.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { simdKernel } from './wasm-simd-kernel.js';
import { ensureOwnData } from './in-place.js';

interface WasmBackend {
  typedArrayFromHeap(t: tfc.TensorInfo): Float32Array;
  wasm?: { asm?: { memory?: unknown } };
}

/** The backend heap's WebAssembly.Memory, where reachable (the emscripten module's `asm.memory`). */
function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  const memory = backend.wasm?.asm?.memory;
  return typeof WebAssembly === 'object' && memory instanceof WebAssembly.Memory ? memory : null;
}

export const wasmEngine: UpdateEngine = {
  name: 'wasm',
  run({ rule, scalars, entries }: GroupStep) {
    const backend = tfc.backend() as unknown as WasmBackend;
    const view = (t: tfc.Tensor) => backend.typedArrayFromHeap(t);
    const kernel = jsKernel(rule);
    const memory = heapMemory(backend);
    const simd = memory ? simdKernel(rule, memory) : null;
    const scalarArgs = rule.scalarNames.map((s) => scalars[s]!);
    for (const { param, grad, slots } of entries) {
      // Copies may allocate and grow the heap, which detaches older views: take views and offsets after.
      ensureOwnData(param, () => view(param));
      for (const s of slots) ensureOwnData(s, () => view(s));
      const p = view(param), g = view(grad), s = slots.map(view);
      const n4 = simd ? p.length >>> 2 : 0;
      if (n4 > 0) simd!(p.byteOffset, g.byteOffset, ...s.map((a) => a.byteOffset), n4, ...scalarArgs);
      const done = n4 * 4;
      if (done === 0) kernel(p, g, s, scalars);
      else if (done < p.length) kernel(p.subarray(done), g.subarray(done), s.map((a) => a.subarray(done)), scalars);
    }
  },
};

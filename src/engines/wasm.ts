// wasm backend: the rule's math compiled to WebAssembly SIMD (wasm-simd-kernel.ts) and run on the
// backend's own heap, 4 elements per instruction; the elements past the last multiple of 4, and
// everything where SIMD or the heap's memory is not available, go through the same fused JS loop
// as cpu over Float32Array views of the heap. Both give the same bits.
//
// The parameter is written to a fresh tensor (a new data id), never in place: the wasm backend keeps
// state derived from a tensor's data keyed by its data id (XNNPACK's packed matMul and conv weights,
// freed when the data id is disposed), so an in-place write would leave the next forward pass on the
// old weights. Assigning the fresh tensor disposes the old data id, which drops that state. The
// slots are only ever read by this engine, so they are updated in place.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { simdKernel } from './wasm-simd-kernel.js';
import { ensureOwnData } from './in-place.js';

interface WasmBackend {
  typedArrayFromHeap(t: tfc.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tfc.TensorInfo;
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
    const view = (t: tfc.TensorInfo) => backend.typedArrayFromHeap(t);
    const kernel = jsKernel(rule);
    const memory = heapMemory(backend);
    const simd = memory ? simdKernel(rule, memory) : null;
    const scalarArgs = rule.scalarNames.map((s) => scalars[s]!);
    for (const { param, grad, slots } of entries) {
      // Allocations may grow the heap, which detaches older views: take views and offsets after them.
      for (const s of slots) ensureOwnData(s, () => view(s));
      const output = backend.makeOutput(param.shape, 'float32');
      const p = view(param), out = view(output), g = view(grad), s = slots.map(view);
      const n4 = simd ? p.length >>> 2 : 0;
      if (n4 > 0) simd!(p.byteOffset, out.byteOffset, g.byteOffset, ...s.map((a) => a.byteOffset), n4, ...scalarArgs);
      const done = n4 * 4;
      if (done < p.length) {
        // The JS loop updates in place: start the output's tail from the old values.
        out.set(p.subarray(done), done);
        kernel(out.subarray(done), g.subarray(done), s.map((a) => a.subarray(done)), scalars);
      }
      const fresh = tfc.engine().makeTensorFromTensorInfo(output);
      param.assign(fresh);
      fresh.dispose();
    }
  },
};

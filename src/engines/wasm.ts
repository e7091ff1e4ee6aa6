// wasm backend: the rule's math compiled to WebAssembly SIMD (wasm-simd-kernel.ts) and run on the
// backend's own heap, 4 elements per instruction; the elements past the last multiple of 4, and
// everything where SIMD or the heap's memory is not available, go through the same fused JS loop
// as cpu over Float32Array views of the heap. Both give the same bits. Clipping (runClipped): all
// three options inside the kernel (src/rules/clip.ts); the norms come first, from the backend's own
// Square and Sum kernels (clip-factors.ts).
//
// In place, and then the backend is told: the wasm backend keeps state derived from a tensor's data
// keyed by its tensor id (XNNPACK's packed matMul and conv weights), which an in-place write alone
// would leave stale (the next forward pass computed with the old weights). `invalidate` drops that
// state as disposing the tensor would, keeping the memory. Measured on the ViT-Ti set (bench): 7.7
// ms per step this way, 9.5 ms writing each parameter to a fresh tensor and assigning it, and 7.3
// ms for the stale in-place write; on 2,000 tiny variables 7.3, 14.9 and 4.6 ms.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import type { CompiledRule } from '../rules/rule.js';
import { backendSumOfSquares, clipScalarsOf, clippedRule, globalClipFactor } from './clip-factors.js';
import { jsKernel } from './js-kernel.js';
import { simdKernel } from './wasm-simd-kernel.js';
import { ensureOwnData } from './in-place.js';
import { opsEngine } from './ops.js';

interface WasmBackend {
  typedArrayFromHeap(t: tfc.TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; dtype: string } };
  wasm: { asm?: { memory?: unknown }; tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, offset: number): void } };
}

/**
 * Tells the backend that a tensor's data changed in place: its C++ side drops the tensor id (running
 * the disposal callbacks that free state derived from the data, such as XNNPACK's packed weights)
 * and registers the same id at the same memory again. The memory itself is not freed.
 */
function invalidate(backend: WasmBackend, t: tfc.TensorInfo, size: number) {
  const { id, memoryOffset } = backend.dataIdMap.get(t.dataId);
  backend.wasm.tfjs.disposeData(id);
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
}

/** The backend heap's WebAssembly.Memory, where reachable (the emscripten module's `asm.memory`). */
function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  const memory = backend.wasm?.asm?.memory;
  return typeof WebAssembly === 'object' && memory instanceof WebAssembly.Memory ? memory : null;
}

export const wasmEngine: UpdateEngine = {
  name: 'wasm',
  run(step: GroupStep) {
    const backend = tfc.backend() as unknown as WasmBackend;
    // Data stored as another dtype than the tensor says (a cast that relabels int32 data): the portable path.
    if (!step.entries.every(({ param, grad, slots }) => isFloat32(backend, param) && isFloat32(backend, grad) && slots.every((s) => isFloat32(backend, s)))) {
      opsEngine.run(step);
      return;
    }
    runGroup(backend, step.rule, step.entries, () => step.scalars);
  },
  runClipped(steps, clip) {
    const backend = tfc.backend() as unknown as WasmBackend;
    const tensors = steps.flatMap((s) => s.entries.flatMap(({ param, grad, slots }) => [param, grad, ...slots]));
    if (!allFloat32(backend, clip.kind === 'globalClipnorm' ? [...tensors, ...clip.grads] : tensors)) return false;
    const global = clip.kind === 'globalClipnorm' && steps.length > 0 ? globalClipFactor(clip.value, clip.grads.map((g) => backendSumOfSquares(g))) : 1;
    for (const step of steps) {
      runGroup(backend, clippedRule(step.rule, clip), step.entries, (i) => ({ ...step.scalars, ...clipScalarsOf(clip, global, () => backendSumOfSquares(step.entries[i]!.grad)) }));
    }
    return true;
  },
};

function isFloat32(backend: WasmBackend, t: tfc.TensorInfo): boolean {
  return backend.dataIdMap.get(t.dataId).dtype === 'float32';
}

function allFloat32(backend: WasmBackend, tensors: readonly tfc.TensorInfo[]): boolean {
  return tensors.every((t) => isFloat32(backend, t));
}

/** Runs `rule` over the entries in place, one kernel call per variable with its scalars `scalarsOf(i)`. */
function runGroup(backend: WasmBackend, rule: CompiledRule, entries: GroupStep['entries'], scalarsOf: (entry: number) => Readonly<Record<string, number>>) {
  const view = (t: tfc.TensorInfo) => backend.typedArrayFromHeap(t);
  const kernel = jsKernel(rule);
  const memory = heapMemory(backend);
  const simd = memory ? simdKernel(rule, memory) : null;
  let scalars: Readonly<Record<string, number>> | undefined;
  let scalarArgs: number[] = [];
  entries.forEach(({ param, grad, slots }, i) => {
    const next = scalarsOf(i);
    if (next !== scalars) [scalars, scalarArgs] = [next, rule.scalarNames.map((n) => next[n]!)];
    // Allocations may grow the heap, which detaches older views: take views and offsets after them.
    ensureOwnData(param, () => view(param));
    for (const s of slots) ensureOwnData(s, () => view(s));
    const p = view(param), g = view(grad), s = slots.map(view);
    const n4 = simd ? p.length >>> 2 : 0;
    if (n4 > 0) simd!(p.byteOffset, p.byteOffset, g.byteOffset, ...s.map((a) => a.byteOffset), n4, ...scalarArgs);
    const done = n4 * 4;
    if (done < p.length) kernel(p.subarray(done), g.subarray(done), s.map((a) => a.subarray(done)), next);
    invalidate(backend, param, p.length);
  });
}

// The rule's WebAssembly SIMD kernel (wasm-simd-kernel.ts) for arrays that live outside any
// WebAssembly memory: the cpu backend's own Float32Arrays. A kernel can only address its memory, so
// a group's arrays pass through a small staging memory of this module's own, in chunks: copy a
// chunk's params, gradients and slots in, run the kernel over it (4 elements per instruction), copy
// the param and the written slots back. A chunk is small enough (STAGE_ELEMENTS per array) to stay
// in the core's cache between the copy in, the kernel and the copy out, so the step costs about one
// pass of plain copies over the data, instead of the float32-rounded JS loop's much slower pass.
// Small variables share a chunk (one kernel call for many), large ones span several.
//
// Bit-identical to the JS loop and the ops path: every f32x4 op is one IEEE float32 op, as each
// Math.fround'ed op of the JS loop and each tfjs kernel. Padding lanes between variables in a chunk
// are computed on (whatever they hold) and never copied out.
import type { CompiledRule } from '../rules/rule.js';
import { simdKernel, type SimdKernel } from './wasm-simd-kernel.js';
import { planChunks, type ChunkPlan } from './webgpu/arena.js';

/** One variable's arrays: the param, its gradient and its slots in rule.slotNames order. */
export interface StagedArrays { p: Float32Array; g: Float32Array; slots: Float32Array[] }

/**
 * Elements per array and chunk. 8192 × 4 bytes × (2 + slots) arrays: 128-192 KiB for Adam's four,
 * within a core's L2 cache. Measured on the ViT-Ti set's Adam step (2 cores, minimum of 40): 2048
 * 17 ms, 4096 12 ms, 8192 and 16384 10.7 ms, 131072 11 ms, 2^20 (whole variables) 23 ms; a plain
 * copy of the same bytes 3.7 ms.
 */
export const STAGE_ELEMENTS = 8192;
/** Arrays per element a rule can have: p, g and up to 6 slots (rmsprop centered has 3). */
const MAX_SEGMENTS = 8;

interface Stage { memory: WebAssembly.Memory; heap: Float32Array }
let stage: Stage | null = null;

function stageMemory(): Stage {
  if (!stage) {
    const bytes = MAX_SEGMENTS * STAGE_ELEMENTS * 4;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    // The memory never grows, so this view stays attached.
    stage = { memory, heap: new Float32Array(memory.buffer) };
  }
  return stage;
}

/** The rule's SIMD kernel bound to the staging memory, or null where WebAssembly SIMD is not available. */
export function stagedKernel(rule: CompiledRule): SimdKernel | null {
  if (2 + rule.slotNames.length > MAX_SEGMENTS) return null;
  return typeof WebAssembly === 'object' ? simdKernel(rule, stageMemory().memory) : null;
}

const plans = new Map<string, ChunkPlan[]>();

/** Chunks for these sizes; the same layout every step, so plans are kept by it. */
function planFor(sizes: number[], segments: number): ChunkPlan[] {
  const key = `${segments}:${sizes.join(',')}`;
  let plan = plans.get(key);
  if (!plan) {
    if (plans.size > 256) plans.clear(); // layouts seen once (a step without some gradients) do not pile up
    plan = planChunks(sizes, segments, STAGE_ELEMENTS * 4 * segments);
    plans.set(key, plan);
  }
  return plan;
}

/**
 * Runs `kernel` (from stagedKernel(rule)) over every variable's arrays, updating each param and
 * the slots the rule assigns in place. `scalarArgs`: the scalar inputs in rule.scalarNames order.
 */
export function runStaged(rule: CompiledRule, kernel: SimdKernel, arrays: StagedArrays[], scalarArgs: number[]): void {
  const { heap } = stageMemory();
  const segments = 2 + rule.slotNames.length;
  const assigned = new Set(rule.statements.map((st) => st.target));
  // Segment s of variable i is sources[i][s]: p, g, then the slots; the kernel writes p and the assigned slots.
  const written = [0, ...rule.slotNames.flatMap((name, k) => (assigned.has(name) ? [2 + k] : []))];
  const sources = arrays.map(({ p, g, slots }) => [p, g, ...slots]);
  for (const chunk of planFor(arrays.map((a) => a.p.length), segments)) {
    const base = (s: number) => s * STAGE_ELEMENTS; // element offset of segment s in the staging memory
    for (const { entry, srcOffset, dstOffset, length } of chunk.pieces) {
      const src = sources[entry]!;
      const whole = srcOffset === 0 && length === src[0]!.length;
      for (let s = 0; s < segments; s++) heap.set(whole ? src[s]! : src[s]!.subarray(srcOffset, srcOffset + length), base(s) + dstOffset);
    }
    const pointers = Array.from({ length: segments }, (_, s) => base(s) * 4);
    // run(p, pOut, g, slots..., n4, scalars...): the param is written back where it was read.
    kernel(pointers[0]!, ...pointers, chunk.n4, ...scalarArgs);
    for (const { entry, srcOffset, dstOffset, length } of chunk.pieces) {
      const src = sources[entry]!;
      for (const s of written) src[s]!.set(heap.subarray(base(s) + dstOffset, base(s) + dstOffset + length), srcOffset);
    }
  }
}

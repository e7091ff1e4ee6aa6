// A rule's math compiled to a WebAssembly SIMD function (f32x4, 4 elements per instruction) that
// updates p and the slots in place in a given WebAssembly.Memory: the wasm engine runs it on the
// tfjs wasm backend's own heap, where the JS loop (js-kernel.ts) reads and writes Float32Array views.
// It is compiled from the same statements as the JS loop, op for op, and every f32x4 op (+ - * /
// sqrt abs neg max min) is an IEEE float32 op rounded once, as the JS loop rounds each op with
// Math.fround: so both give the same bits, and the SIMD function is only faster (~8x on ViT-Ti).
// Elements past the last multiple of 4 are left to the JS loop by the caller.
import type { Expr } from '../rules/expression.js';
import type { CompiledRule } from '../rules/rule.js';

/**
 * run(ptr p, ptr pOut, ptr g, ptr slot..., n4, ...scalars in rule.scalarNames order): updates n4 vec4s;
 * the slots in place, the parameter read from p and written to pOut (pOut = p: in place).
 */
export type SimdKernel = (...args: number[]) => void;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s: string): number[] => {
  const bytes = [...new TextEncoder().encode(s)];
  return [...leb(bytes.length), ...bytes];
};
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const f32Bytes = (x: number): number[] => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x, true);
  return [view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3)];
};

// Value types, opcodes (WebAssembly core + SIMD) and the f32x4 op of each Expr operator.
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, localGet: 0x20, localSet: 0x21,
  i32Const: 0x41, f32Const: 0x43, i32GeU: 0x4f, i32Add: 0x6a, i32Shl: 0x74, void: 0x40, drop: 0x1a,
} as const;
const simd = (op: number): number[] => [0xfd, ...leb(op)];
const V128_LOAD = 0x00, V128_STORE = 0x0b, I8X16_SPLAT = 0x0f, F32X4_SPLAT = 0x13;
const F32X4: Record<string, number> = { '+': 0xe4, '-': 0xe5, '*': 0xe6, '/': 0xe7, sqrt: 0xe3, abs: 0xe0, neg: 0xe1, min: 0xe8, max: 0xe9 };
const ALIGN_4 = [2, 0]; // memarg: 2^2-byte alignment, offset 0
const HEADER = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

let simdSupported: boolean | undefined;

/** Whether this runtime has WebAssembly with fixed-width SIMD (validates a tiny v128 function). */
export function wasmSimdSupported(): boolean {
  if (simdSupported === undefined) {
    try {
      const body = [0, OP.i32Const, 0, ...simd(I8X16_SPLAT), OP.drop, OP.end];
      const bytes = [
        ...HEADER,
        ...section(1, vec([[0x60, 0, 0]])),
        ...section(3, vec([[0]])),
        ...section(10, vec([[...leb(body.length), ...body]])),
      ];
      simdSupported = typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
    } catch {
      simdSupported = false;
    }
  }
  return simdSupported;
}

/** The module's bytes: one function `run`, importing `env.memory` (unshared, no minimum). */
export function simdKernelBytes(rule: CompiledRule): Uint8Array<ArrayBuffer> {
  // Pointer parameters: the parameter's input and output, the gradient, the slots; then n4 and the scalars (f32).
  const pointers = ['p', 'pOut', 'g', ...rule.slotNames];
  const pointer = (name: string) => pointers.indexOf(name);
  const segs = ['p', 'g', ...rule.slotNames]; // what each iteration loads
  const scalars = rule.scalarNames;
  const n4Param = pointers.length;
  const params = [...pointers.map(() => I32), I32, ...scalars.map(() => F32)];
  const local = new Map<string, number>();
  let next = params.length;
  const iLocal = next++;
  for (const n of [...segs, ...rule.temporaries]) local.set(n, next++);
  const splat = new Map<string, number>();
  for (const s of scalars) splat.set(s, next++);
  const nV128 = segs.length + rule.temporaries.length + scalars.length;
  const code: number[] = [];
  const get = (index: number) => [OP.localGet, ...leb(index)];
  const set = (index: number) => [OP.localSet, ...leb(index)];
  const localOf = (name: string): number => {
    const index = local.get(name) ?? splat.get(name);
    if (index === undefined) throw new Error(`wasm simd kernel: unknown name ${name} in rule ${rule.key}`);
    return index;
  };
  // Scalars arrive as f32 parameters; splat each once into a vector local.
  scalars.forEach((s, k) => code.push(...get(n4Param + 1 + k), ...simd(F32X4_SPLAT), ...set(splat.get(s)!)));
  const addr = (s: number) => [...get(s), ...get(iLocal), OP.i32Const, 4, OP.i32Shl, OP.i32Add]; // ptr_s + i * 16
  const expr = (e: Expr): number[] => {
    switch (e.kind) {
      case 'num': return [OP.f32Const, ...f32Bytes(e.value), ...simd(F32X4_SPLAT)];
      case 'ref': return get(localOf(e.name));
      case 'neg': return [...expr(e.arg), ...simd(F32X4.neg!)];
      case 'bin': return [...expr(e.left), ...expr(e.right), ...simd(F32X4[e.op]!)];
      case 'call': return [...e.args.flatMap(expr), ...simd(F32X4[e.fn]!)];
    }
  };
  code.push(OP.block, OP.void, OP.loop, OP.void);
  code.push(...get(iLocal), ...get(n4Param), OP.i32GeU, OP.brIf, 1); // i >= n4: leave the block
  for (const n of segs) code.push(...addr(pointer(n)), ...simd(V128_LOAD), ...ALIGN_4, ...set(local.get(n)!));
  for (const st of rule.statements) code.push(...expr(st.value), ...set(localOf(st.target)));
  // Write back p (to pOut) and the slots the math assigned, never g (as the JS loop: `g = g + wd * p` is local).
  const assigned = new Set(rule.statements.map((st) => st.target));
  for (const n of segs) {
    if (n === 'p' || (n !== 'g' && assigned.has(n))) code.push(...addr(pointer(n === 'p' ? 'pOut' : n)), ...get(local.get(n)!), ...simd(V128_STORE), ...ALIGN_4);
  }
  code.push(...get(iLocal), OP.i32Const, 1, OP.i32Add, ...set(iLocal), OP.br, 0, OP.end, OP.end, OP.end);
  const body = [...vec([[1, I32], [...leb(nV128), V128]]), ...code];
  return new Uint8Array([
    ...HEADER,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('run'), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

const modules = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, SimdKernel | null>>();

/**
 * The rule's SIMD kernel bound to `memory`, cached per rule key and memory object; null where it
 * cannot be had (no SIMD, or the memory cannot be imported, e.g. a shared one): use the JS loop.
 * Pointers are byte offsets into the memory, taken afresh by the caller on each call (the memory
 * may have grown and moved nothing, but views of it are detached).
 */
export function simdKernel(rule: CompiledRule, memory: WebAssembly.Memory): SimdKernel | null {
  if (!wasmSimdSupported()) return null;
  let perMemory = instances.get(memory);
  if (!perMemory) instances.set(memory, (perMemory = new Map()));
  let kernel = perMemory.get(rule.key);
  if (kernel === undefined) {
    try {
      let module = modules.get(rule.key);
      if (!module) modules.set(rule.key, (module = new WebAssembly.Module(simdKernelBytes(rule))));
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      kernel = instance.exports.run as SimdKernel;
    } catch {
      kernel = null;
    }
    perMemory.set(rule.key, kernel);
  }
  return kernel;
}

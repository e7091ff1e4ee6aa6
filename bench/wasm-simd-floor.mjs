// The cpu/wasm reference point: a bare fused Adam step as WebAssembly SIMD (f32x4), over p/g/m/v in
// one wasm memory, no tfjs. Like the webgpu floor, it is what one fused pass over the same params
// could cost; like the wasm engine (and unlike the JS loop of the cpu engine) it does 4 elements per instruction.
// The kernel is the library's own (src/engines/wasm-simd-kernel.ts), which the wasm engine runs in
// place on the backend heap; here it runs on a bare memory of its own, without tfjs around it.
import { prepareStep } from '../dist/src/rules/rule.js';
import { simdKernel } from '../dist/src/engines/wasm-simd-kernel.js';
import { getRule } from '../dist/src/rules/index.js';

/** The floor as a bench impl: {step(): Promise<void>, dispose()}. */
export function wasmSimdFloor(params) {
  const hyper = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  const rule = prepareStep(getRule('adam'), hyper, { lr: 1e-3, wd: 0 }, 1, 'floor').rule;
  const n4 = Math.ceil(params / 4);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((n4 * 64) / 65536) });
  new Float32Array(memory.buffer).fill(0.01);
  const run = simdKernel(rule, memory);
  if (!run) throw new Error('WebAssembly SIMD is not available');
  let t = 0;
  return {
    async step() {
      t++;
      const { scalars } = prepareStep(getRule('adam'), hyper, { lr: 1e-3, wd: 0 }, t, 'floor');
      run(0, 0, n4 * 16, n4 * 32, n4 * 48, n4, ...rule.scalarNames.map((s) => scalars[s]));
    },
    dispose() {},
  };
}

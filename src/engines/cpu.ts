// cpu backend: the rule's WebAssembly SIMD kernel over the backend's own Float32Arrays, through a
// staging memory (simd-staging.ts), in place; where WebAssembly SIMD is missing, the fused JS loop
// (js-kernel.ts), in place too. Both give the ops path's bits. In place is safe on this backend: it
// keeps nothing derived from a tensor's values (unlike wasm's packed weights or WebGL's textures),
// and a data id shared with another tensor is first replaced by a private copy (in-place.ts).
// Clipping (runClipped): all three options inside the kernel (src/rules/clip.ts); the norms are one
// pass over the gradients' arrays first (clip-factors.ts).
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from './engine.js';
import { jsKernel } from './js-kernel.js';
import { ensureOwnData } from './in-place.js';
import { opsEngine } from './ops.js';
import { runStaged, stagedKernel } from './simd-staging.js';
import { clipScalarsOf, clippedRule, globalClipFactor, sumOfSquares } from './clip-factors.js';
import type { CompiledRule } from '../rules/rule.js';

interface CpuBackend { data: { get(dataId: object): { values: unknown } } }

type Scalars = Readonly<Record<string, number>>;

export const cpuEngine: UpdateEngine = {
  name: 'cpu',
  run(step: GroupStep) {
    const backend = tfc.backend() as unknown as CpuBackend;
    // Data stored as another type than float32 (a cast that relabels int32 data): the portable path.
    if (!step.entries.every(({ param, grad, slots }) => isFloat32(backend, param) && isFloat32(backend, grad) && slots.every((s) => isFloat32(backend, s)))) {
      opsEngine.run(step);
      return;
    }
    runGroup(backend, step.rule, step.entries, () => step.scalars);
  },
  runClipped(steps, clip) {
    const backend = tfc.backend() as unknown as CpuBackend;
    const tensors = steps.flatMap((s) => s.entries.flatMap(({ param, grad, slots }) => [param, grad, ...slots]));
    if (!allFloat32(backend, clip.kind === 'globalClipnorm' ? [...tensors, ...clip.grads] : tensors)) return false;
    const values = (t: tfc.Tensor) => backend.data.get(t.dataId).values as Float32Array;
    const global = clip.kind === 'globalClipnorm' && steps.length > 0 ? globalClipFactor(clip.value, clip.grads.map((g) => sumOfSquares(values(g)))) : 1;
    for (const step of steps) {
      const scalarsOf = (i: number) => ({ ...step.scalars, ...clipScalarsOf(clip, global, () => sumOfSquares(values(step.entries[i]!.grad))) });
      runGroup(backend, clippedRule(step.rule, clip), step.entries, scalarsOf, clip.kind === 'clipnorm');
    }
    return true;
  },
};

function isFloat32(backend: CpuBackend, t: tfc.TensorInfo): boolean {
  return backend.data.get(t.dataId).values instanceof Float32Array;
}

function allFloat32(backend: CpuBackend, tensors: readonly tfc.Tensor[]): boolean {
  return tensors.every((t) => isFloat32(backend, t));
}

/** Runs `rule` over the entries in place; `scalarsOf(i)`: entry i's scalar inputs, the same for all unless `perEntry`. */
function runGroup(backend: CpuBackend, rule: CompiledRule, entries: GroupStep['entries'], scalarsOf: (entry: number) => Scalars, perEntry = false) {
  const values = (t: tfc.Tensor) => backend.data.get(t.dataId).values as Float32Array;
  for (const { param, slots } of entries) {
    ensureOwnData(param, () => values(param));
    for (const s of slots) ensureOwnData(s, () => values(s));
  }
  const arrays = entries.map(({ param, grad, slots }) => ({ p: values(param), g: values(grad), slots: slots.map(values) }));
  const simd = stagedKernel(rule);
  const args = (i: number) => {
    const scalars = scalarsOf(i);
    return rule.scalarNames.map((s) => scalars[s]!);
  };
  if (simd && !perEntry) {
    runStaged(rule, simd, arrays, args(0));
  } else if (simd) {
    // Scalars of each variable's own (clipnorm's factor): the staged kernel once per variable.
    arrays.forEach((a, i) => runStaged(rule, simd, [a], args(i)));
  } else {
    const kernel = jsKernel(rule);
    arrays.forEach(({ p, g, slots }, i) => kernel(p, g, slots, scalarsOf(i)));
  }
}

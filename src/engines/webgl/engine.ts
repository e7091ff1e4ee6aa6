// webgl backend: per variable, one tfjs WebGL program per value the rule writes (Adam: m, v, p =
// 3 draws, against about 14 for stock tfjs's Adam), each rendered by the backend into a new texture
// (kernel.ts has the programs). All of a variable's programs read the old textures; then each result
// is assigned to its variable, which releases the old texture to tfjs's pool.
//
// Why a new texture, never a write into the old one: the backend keeps state per data id (a CPU copy
// of the values after a read, packed and unpacked forms of the same tensor), and a tensor whose data
// changed under an old id would be served stale. A new data id per step cannot be. It also leaves
// tensors that shared the old data (`tf.variable(t)`, clones) untouched, with no copy.
//
// Why per variable and not per group in one texture: gathering a group's variables into one texture
// and scattering them back costs about a draw per variable and output by itself (tfjs gives a program
// one render target), the same as the update; measured, see the README's benchmark section.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupEntry, GroupStep, UpdateEngine } from '../engine.js';
import { opsEngine } from '../ops.js';
import { activeWebGlBackend, type WebGlBackend } from './backend.js';
import { MAX_RANK, updateProgram, writtenTargets } from './kernel.js';

export interface WebGlEngineOptions {
  /** Packed programs (4 elements per fragment) or unpacked (1). Default: tfjs's WEBGL_PACK flag, as its own ops choose. */
  packed?: boolean;
}

/** A WebGL engine; `webglEngine` (default options) is the one the engine table uses. */
export function createWebGlEngine(options: WebGlEngineOptions = {}): UpdateEngine {
  return { name: 'webgl', run: (step) => runStep(step, options) };
}

export const webglEngine = createWebGlEngine();

/** Rule keys whose GLSL failed to compile here: they take the ops path from then on (said once). */
const broken = new Set<string>();

function runStep(step: GroupStep, options: WebGlEngineOptions): void {
  const backend = activeWebGlBackend();
  const { rule, scalars } = step;
  const entries = step.entries.filter((e) => e.param.size > 0);
  const supported = (e: GroupEntry) => e.param.rank <= MAX_RANK && [e.param, e.grad, ...e.slots].every((t) => t.dtype === 'float32');
  if (!backend || broken.has(rule.key) || !entries.every(supported)) {
    opsEngine.run(step);
    return;
  }
  const packed = options.packed ?? tfc.env().getBool('WEBGL_PACK');
  const uniforms = rule.scalarNames.length > 0 ? [rule.scalarNames.map((n) => scalars[n]!)] : undefined;
  const targets = writtenTargets(rule);
  for (let i = 0; i < entries.length; i++) {
    try {
      updateEntry(backend, step, entries[i]!, targets, packed, uniforms);
    } catch (e) {
      // A shader this GPU's compiler rejects: nothing of this entry was assigned. Say so once, and
      // let the ops path do this entry and the rest, now and for later steps of this rule.
      broken.add(rule.key);
      console.warn(`tfjs-layer-decay: the fused WebGL update of ${rule.key} failed (${(e as Error).message}); using tfjs ops for it`);
      opsEngine.run({ ...step, entries: entries.slice(i) });
      return;
    }
  }
}

function updateEntry(backend: WebGlBackend, { rule }: GroupStep, entry: GroupEntry, targets: string[], packed: boolean, uniforms: number[][] | undefined) {
  const tensorOf = (name: string): tfc.Tensor => {
    if (name === 'p') return entry.param;
    if (name === 'g') return entry.grad;
    return entry.slots[rule.slotNames.indexOf(name)]!;
  };
  // Every program of the variable runs before any result is assigned: each reads the old values.
  const results: tfc.TensorInfo[] = [];
  try {
    for (const target of targets) {
      const { program, inputs } = updateProgram(rule, target, entry.param.shape, packed);
      results.push(backend.runWebGLProgram(program, inputs.map(tensorOf), 'float32', uniforms, true));
    }
  } catch (e) {
    for (const r of results) tfc.engine().makeTensorFromTensorInfo(r).dispose();
    throw e;
  }
  targets.forEach((target, k) => {
    const fresh = tfc.engine().makeTensorFromTensorInfo(results[k]!);
    (tensorOf(target) as tfc.Variable).assign(fresh);
    fresh.dispose();
  });
}

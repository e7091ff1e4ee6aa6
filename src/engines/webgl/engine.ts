// webgl backend: per variable, one tfjs WebGL program per value the rule writes (Adam: m, v, p =
// 3 draws; stock tfjs's Adam takes 22 on ViT-Ti, 14 ops and their packing conversions), each
// rendered by the backend into a new texture (kernel.ts has the programs). All of a variable's programs read the old textures; then each result
// is assigned to its variable, which releases the old texture to tfjs's pool.
//
// Why a new texture, never a write into the old one: the backend keeps state per data id (a CPU copy
// of the values after a read, packed and unpacked forms of the same tensor), and a tensor whose data
// changed under an old id would be served stale. A new data id per step cannot be. It also leaves
// tensors that shared the old data (`tf.variable(t)`, clones) untouched, with no copy.
//
// Why per variable and not per group in one texture: tfjs gives a program one render target and
// cannot render into part of a texture, so a group gathered into one texture would take a draw per
// variable to gather the gradients in and a draw per variable and output to give each variable its
// own texture back: no fewer draws than this. (Leaving the variables as windows into the group's
// texture, tfjs's shallow slices, only works unpacked, and tfjs's packed ops would then repack every
// parameter at each use.) What the draws cost is measured in the browser benchmark (README).
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
  const programs = targets.map((target) => updateProgram(rule, target, entry.param.shape, packed));
  // An input whose texture has the other layout (a bias gradient made by a reduction is unpacked)
  // would be converted by tfjs for each program that reads it, a draw each: convert it once.
  const converted = new Map<string, tfc.TensorInfo>();
  const results: tfc.TensorInfo[] = [];
  try {
    for (const name of new Set(programs.flatMap((p) => p.inputs))) {
      const data = backend.texData.get(tensorOf(name).dataId);
      const readers = programs.filter((p) => p.inputs.includes(name)).length;
      if (readers > 1 && data?.texture != null && !!data.isPacked !== packed) {
        converted.set(name, packed ? backend.packTensor(tensorOf(name)) : backend.unpackTensor(tensorOf(name)));
      }
    }
    // Every program of the variable runs before any result is assigned: each reads the old values.
    for (const { program, inputs } of programs) {
      results.push(backend.runWebGLProgram(program, inputs.map((n) => converted.get(n) ?? tensorOf(n)), 'float32', uniforms, true));
    }
  } catch (e) {
    for (const r of results) backend.disposeIntermediateTensorInfo(r);
    throw e;
  } finally {
    for (const c of converted.values()) backend.disposeIntermediateTensorInfo(c);
  }
  targets.forEach((target, k) => {
    const fresh = tfc.engine().makeTensorFromTensorInfo(results[k]!);
    (tensorOf(target) as tfc.Variable).assign(fresh);
    fresh.dispose();
  });
}

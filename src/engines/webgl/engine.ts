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
//
// Clipping (runClipped), all three options inside the programs: the clip's statement goes in front
// of the rule's (src/rules/clip.ts). clipvalue's bounds are uniforms. The factor of clipnorm (one per
// variable) and globalClipnorm (one per step) is computed by tfjs ops, the ops path's own
// (gradient-transforms.ts), and never leaves the GPU: each program reads it as a scalar input
// texture. Nothing is read back to the CPU, and the step saves the clip's draw per variable (the
// ops path's clipByValue or mul, each into a new gradient texture).
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupEntry, GroupStep, StepClip, UpdateEngine } from '../engine.js';
import { opsEngine } from '../ops.js';
import { CLIP_FACTOR, clipScalars, withClip } from '../../rules/clip.js';
import { clipByValueKeepingNaN, clipnormFactorTensor, globalClipFactorTensor } from '../../gradient-transforms.js';
import { activeWebGlBackend, type WebGlBackend } from './backend.js';
import { MAX_RANK, uniformNames, updateProgram, writtenTargets } from './kernel.js';

export interface WebGlEngineOptions {
  /** Packed programs (4 elements per fragment) or unpacked (1). Default: tfjs's WEBGL_PACK flag, as its own ops choose. */
  packed?: boolean;
}

/** A WebGL engine; `webglEngine` (default options) is the one the engine table uses. */
export function createWebGlEngine(options: WebGlEngineOptions = {}): UpdateEngine {
  return { name: 'webgl', run: (step) => runStep(step, options), runClipped: (steps, clip) => runClipped(steps, clip, options) };
}

export const webglEngine = createWebGlEngine();

/** Rule keys whose GLSL failed to compile here: they take the ops path from then on (said once). */
const broken = new Set<string>();

const supported = (e: GroupEntry) => e.param.rank <= MAX_RANK && [e.param, e.grad, ...e.slots].every((t) => t.dtype === 'float32');
const packedOf = (options: WebGlEngineOptions) => options.packed ?? tfc.env().getBool('WEBGL_PACK');

function runStep(step: GroupStep, options: WebGlEngineOptions): void {
  const backend = activeWebGlBackend();
  const entries = step.entries.filter((e) => e.param.size > 0);
  if (!backend || broken.has(step.rule.key) || !entries.every(supported)) {
    opsEngine.run(step);
    return;
  }
  runPrograms(backend, { ...step, entries }, packedOf(options), (rest) => opsEngine.run({ ...step, entries: rest }));
}

/**
 * The step's groups with the clip inside their programs. Declines (false, nothing changed) where a
 * group would not run fused: no WebGL backend, an unsupported entry, or a clipped rule whose shader
 * failed before.
 */
function runClipped(steps: readonly GroupStep[], clip: StepClip, options: WebGlEngineOptions): boolean {
  const backend = activeWebGlBackend();
  const math = clip.kind === 'clipvalue' ? 'value' : 'scale';
  const groups = steps
    .map((s) => ({ original: s, step: { ...s, rule: withClip(s.rule, math), entries: s.entries.filter((e) => e.param.size > 0) } }))
    .filter(({ step }) => step.entries.length > 0);
  if (!backend || !groups.every(({ step }) => !broken.has(step.rule.key) && step.entries.every(supported))) return false;
  if (groups.length === 0) return true;
  const packed = packedOf(options);
  // The factor textures of this step, freed once every program that reads them has been issued.
  const factors: tfc.Tensor[] = [];
  try {
    // globalClipnorm: one factor for every group, over every gradient of the step (frozen groups' too).
    const global = clip.kind === 'globalClipnorm' ? inLayout(backend, globalClipFactorTensor(clip.grads, clip.value), packed, factors) : null;
    const factorOf = (entry: GroupEntry): tfc.Tensor | null => {
      if (clip.kind === 'clipvalue') return null;
      return global ?? inLayout(backend, clipnormFactorTensor(entry.grad, clip.value), packed, factors);
    };
    const bounds = clip.kind === 'clipvalue' ? clipScalars('value', clip.value) : {};
    for (const { original, step } of groups) {
      // Where a shader fails (this group's now, or its rule's at an earlier group of the step): the
      // entries left as the ops path runs them, the clip as tfjs ops, then the rule without it.
      const withOps = (rest: GroupEntry[]) => {
        tfc.tidy(() => opsEngine.run({ ...original, entries: rest.map((e) => ({ ...e, grad: clipWithOps(e.grad, clip, factorOf(e)) })) }));
      };
      if (broken.has(step.rule.key)) withOps(step.entries);
      else runPrograms(backend, { ...step, scalars: { ...step.scalars, ...bounds } }, packed, withOps, factorOf);
    }
  } finally {
    tfc.dispose(factors);
  }
  return true;
}

/** gradient-transforms.ts's clip as tfjs ops, with the factor already computed. */
function clipWithOps(g: tfc.Tensor, clip: StepClip, factor: tfc.Tensor | null): tfc.Tensor {
  return clip.kind === 'clipvalue' ? clipByValueKeepingNaN(g, clip.value) : tfc.mul(g, factor!);
}

/** `t` in the programs' texture layout (both kept in `owned`): converted once here, not by tfjs for each program that reads it. */
function inLayout(backend: WebGlBackend, t: tfc.Tensor, packed: boolean, owned: tfc.Tensor[]): tfc.Tensor {
  owned.push(t);
  const data = backend.texData.get(t.dataId);
  if (data?.texture == null || !!data.isPacked === packed) return t;
  const converted = tfc.engine().makeTensorFromTensorInfo(packed ? backend.packTensor(t) : backend.unpackTensor(t));
  owned.push(converted);
  return converted;
}

/**
 * Runs the step's programs entry by entry. `factorOf`: the clip factor an entry's programs read (a
 * rule with the scale clip). `withOps`: where a shader fails, runs the entries left on the ops path.
 */
function runPrograms(backend: WebGlBackend, step: GroupStep, packed: boolean, withOps: (rest: GroupEntry[]) => void, factorOf?: (entry: GroupEntry) => tfc.Tensor | null): void {
  const { rule, scalars, entries } = step;
  const names = uniformNames(rule);
  const uniforms = names.length > 0 ? [names.map((n) => scalars[n]!)] : undefined;
  const targets = writtenTargets(rule);
  for (let i = 0; i < entries.length; i++) {
    try {
      updateEntry(backend, step, entries[i]!, targets, packed, uniforms, factorOf?.(entries[i]!) ?? null);
    } catch (e) {
      // A shader this GPU's compiler rejects: nothing of this entry was assigned. Say so once, and
      // let the ops path do this entry and the rest, now and for later steps of this rule.
      broken.add(rule.key);
      console.warn(`tfjs-layer-decay: the fused WebGL update of ${rule.key} failed (${(e as Error).message}); using tfjs ops for it`);
      withOps(entries.slice(i));
      return;
    }
  }
}

function updateEntry(backend: WebGlBackend, { rule }: GroupStep, entry: GroupEntry, targets: string[], packed: boolean, uniforms: number[][] | undefined, factor: tfc.Tensor | null) {
  const tensorOf = (name: string): tfc.Tensor => {
    if (name === 'p') return entry.param;
    if (name === 'g') return entry.grad;
    if (name === CLIP_FACTOR) {
      if (!factor) throw new Error(`update rule ${rule.key}: no clip factor given`);
      return factor;
    }
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

// The fused WebGL engine's checks, run inside a browser page on tfjs's WebGL backend:
// test/engines-fused-webgl.test.ts bundles this file and calls window.runWebGlFusedChecks().
// The same table and safety checks as the Node backends (fused-cases.ts) with the ops path as the
// reference, with packed and unpacked programs, and the draws each update takes, counted by
// wrapping the WebGL2 context's draw calls. Each check reports a problem string or none.
import * as tf from '@tensorflow/tfjs';
import type { Test } from 'uvu';
import { GroupedOptimizer } from '../../src/index.js';
import { createWebGlEngine, webglEngine } from '../../src/engines/webgl/engine.js';
import { selectEngine } from '../../src/engines/select.js';
import { CLIP_CASES, RULE_CASES, assertSameTraining, defineClipTests, defineSafetyTests, makeProblem, trainGroups } from './fused-cases.js';
import { maxRelativeDifference } from './rule-cases.js';

export interface CheckReport { name: string; problem: string | null; seconds: number; note?: string }

/** Steps per training run: few, as SwiftShader is slow (the Node backends run 100). */
export const BROWSER_STEPS = 20;

let draws = 0;
function countDraws() {
  const proto = (globalThis as unknown as { WebGL2RenderingContext?: { prototype: Record<string, unknown> } }).WebGL2RenderingContext?.prototype;
  if (!proto || (proto as { __counted?: boolean }).__counted) return;
  for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) { draws++; return original.apply(this, args); };
  }
  (proto as { __counted?: boolean }).__counted = true;
}

/** Draws inside each applyGradients of `optimizer` (not in the ops that made the gradients). */
function drawsPerUpdate(optimizer: tf.Optimizer): number[] {
  const counts: number[] = [];
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (grads) => {
    const before = draws;
    apply(grads);
    counts.push(draws - before);
  };
  return counts;
}

async function check(name: string, body: () => Promise<string | null | void> | string | null | void): Promise<CheckReport> {
  const started = performance.now();
  try {
    const note = await body();
    return { name, problem: null, seconds: (performance.now() - started) / 1000, ...(note ? { note } : {}) };
  } catch (e) {
    return { name, problem: String((e as Error).message ?? e), seconds: (performance.now() - started) / 1000 };
  }
}

async function runWebGlFusedChecks(): Promise<{ renderer: string; reports: CheckReport[] }> {
  countDraws();
  if (!(await tf.setBackend('webgl')) || tf.getBackend() !== 'webgl') throw new Error('no webgl backend in this browser');
  await tf.ready();
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const reports: CheckReport[] = [];
  const unpacked = createWebGlEngine({ packed: false });

  // The table: every rule and variant, fused (packed, tfjs's default) against ops.
  for (const rc of RULE_CASES) {
    reports.push(await check(`webgl: ${rc.label}, fused equals ops after ${BROWSER_STEPS} steps (3 groups, 7 variables)`, async () => {
      assertSameTraining(await trainGroups(rc, 'fused', BROWSER_STEPS), await trainGroups(rc, 'ops', BROWSER_STEPS));
    }));
  }
  // Unpacked programs (WEBGL_PACK off): the variants with the most statements and slots.
  for (const label of ['adam', 'rmsprop centered momentum', 'adadelta', 'adamax decay']) {
    const rc = RULE_CASES.find((r) => r.label === label)!;
    reports.push(await check(`webgl: ${label}, unpacked programs equal ops after ${BROWSER_STEPS} steps`, async () => {
      assertSameTraining(await trainGroups(rc, unpacked, BROWSER_STEPS), await trainGroups(rc, 'ops', BROWSER_STEPS));
    }));
  }

  // The safety checks every fused engine passes (shared data ids, stale reads, leaks, setWeights).
  const safety: Array<{ name: string; fn: () => unknown }> = [];
  const collect = ((name: string, fn: () => unknown) => { safety.push({ name, fn }); }) as unknown as Test;
  defineSafetyTests('webgl', { leakSteps: 40 }, collect);
  for (const { name, fn } of safety) reports.push(await check(name, async () => { await fn(); }));

  // Clipping inside the programs: every rule and each option against the ops path (which clips with
  // tfjs ops first), packed and unpacked, with a counter that fails if runClipped declined.
  const clipTests: Array<{ name: string; fn: () => unknown }> = [];
  const collectClip = ((name: string, fn: () => unknown) => { clipTests.push({ name, fn }); }) as unknown as Test;
  const allClips = ['clipvalue', 'clipnorm', 'globalClipnorm'];
  defineClipTests('webgl', webglEngine, allClips, collectClip, { steps: BROWSER_STEPS });
  defineClipTests('webgl unpacked', unpacked, allClips, collectClip, { steps: BROWSER_STEPS });
  for (const { name, fn } of clipTests) reports.push(await check(name, async () => { await fn(); }));

  // Draws per step with each clip: fused into the programs, as tfjs ops before the fused update (the
  // engine without runClipped), and all ops. 60 variables in 4 groups, adam.
  reports.push(await check('webgl: each clip fused takes fewer draws per step than the clip as ops before the fused update', async () => {
    const shapes = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? [17, 9 + (i % 5)] : i % 3 === 1 ? [33 + (i % 4)] : [3, 5, 7]));
    const opsClipEngine = { name: 'webgl', run: webglEngine.run };
    const lines: string[] = [];
    for (const clip of [{ label: 'none', options: {} }, ...CLIP_CASES]) {
      const perStep: Record<string, number> = {};
      for (const [label, engine] of [['fused clip', webglEngine], ['ops clip', opsClipEngine], ['ops', 'ops']] as const) {
        const problem = makeProblem(shapes, `clip-draws-${label.replace(' ', '-')}`);
        const groups = [0, 15, 30, 45].map((start) => ({ params: problem.vars.slice(start, start + 15), lrScale: 1 - start / 100 }));
        const optimizer = new GroupedOptimizer('adam', groups, { learningRate: 0.01, engine, ...clip.options });
        const counts = drawsPerUpdate(optimizer);
        for (let t = 0; t < 3; t++) problem.step(optimizer, t);
        await problem.vars[0]!.data();
        optimizer.dispose();
        problem.dispose();
        // Step 1 also packs the freshly made slots and parameters.
        perStep[label] = counts[2]!;
      }
      lines.push(`${clip.label}: fused clip ${perStep['fused clip']}, ops clip + fused update ${perStep['ops clip']}, ops ${perStep.ops}`);
      if (clip.label !== 'none' && !(perStep['fused clip']! < perStep['ops clip']!)) throw new Error(`${clip.label}: the fused clip should take fewer draws. ${lines.join('; ')}`);
    }
    return `draws per step, 60 variables in 4 groups, adam: ${lines.join('; ')}`;
  }));

  // Draws: a model-sized group of 60 variables (matrices and vectors, odd sizes), adam.
  reports.push(await check('webgl: one update of 60 variables takes 3 draws per variable (m, v, p), the ops path 4x more or worse', async () => {
    const shapes = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? [17, 9 + (i % 5)] : i % 3 === 1 ? [33 + (i % 4)] : [3, 5, 7]));
    const perEngine: Record<string, number[]> = {};
    for (const engine of ['fused', 'ops'] as const) {
      const problem = makeProblem(shapes, `draws-${engine}`);
      const optimizer = new GroupedOptimizer('adam', [{ params: problem.vars.slice(0, 30), lrScale: 0.5 }, { params: problem.vars.slice(30) }], { learningRate: 0.01, engine });
      perEngine[engine] = drawsPerUpdate(optimizer);
      for (let t = 0; t < 4; t++) problem.step(optimizer, t);
      await problem.vars[0]!.data();
      optimizer.dispose();
      problem.dispose();
    }
    // Step 1 also packs the freshly made slots and parameters; later steps are pure updates.
    const fused = perEngine.fused!.slice(1), ops = perEngine.ops!.slice(1);
    const note = `draws per update after the first: fused ${fused.join(', ')}; ops ${ops.join(', ')} (60 variables)`;
    for (const d of fused) if (d > 3 * 60 + 60) throw new Error(`${d} draws in one fused update of 60 variables (3 per variable, plus at most one gradient conversion each, expected). ${note}`);
    for (let i = 0; i < fused.length; i++) if (!(ops[i]! >= 4 * fused[i]!)) throw new Error(`the fused update should take far fewer draws than ops. ${note}`);
    return note;
  }));

  // Gradients made by a reduction (as a bias's is) come unpacked: each is packed once for the three
  // programs that read it, and the result still equals the ops path.
  reports.push(await check('webgl: unpacked gradients (from a reduction) are packed once per update, and the update equals ops', async () => {
    const shapes = Array.from({ length: 20 }, (_, i) => [33 + (i % 4)]);
    const run = async (engine: 'fused' | 'ops') => {
      const vars = shapes.map((s, i) => tf.variable(tf.fill(s, 0.5 + i / 40), true, `unpacked-grad-${engine}-${i}`));
      const rows = shapes.map((s, i) => tf.tensor2d(Float32Array.from({ length: 3 * s[0]! }, (_, k) => Math.sin(k + i)), [3, s[0]!]));
      const optimizer = new GroupedOptimizer('adam', [{ params: vars }], { learningRate: 0.01, engine });
      const counts = drawsPerUpdate(optimizer);
      let packedGrads = 0;
      for (let t = 0; t < 4; t++) {
        tf.tidy(() => {
          const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.sum(tf.mul(rows[i]!, tf.sub(v, 0.1 * t)), 0) }));
          const texData = (tf.backend() as unknown as { texData: { get(id: object): { isPacked?: boolean } } }).texData;
          packedGrads += grads.filter((g) => texData.get(g.tensor.dataId)?.isPacked).length;
          optimizer.applyGradients(grads);
        });
      }
      const values = await Promise.all(vars.map(async (v) => (await v.data()).slice()));
      optimizer.dispose();
      tf.dispose([...vars, ...rows]);
      return { counts, values, packedGrads };
    };
    const fused = await run('fused');
    const ops = await run('ops');
    if (fused.packedGrads !== 0) throw new Error(`${fused.packedGrads} of the reduction's gradients came packed: this check needs unpacked ones`);
    for (const d of fused.counts.slice(1)) if (d > 4 * shapes.length) throw new Error(`${d} draws for ${shapes.length} variables with unpacked gradients (3 programs and one conversion each expected): ${fused.counts.join(', ')}`);
    fused.values.forEach((v, i) => {
      const diff = maxRelativeDifference(v, ops.values[i]!);
      if (!(diff <= 1e-5)) throw new Error(`variable ${i}: ${diff} from the ops path`);
    });
    return `draws per update after the first: fused ${fused.counts.slice(1).join(', ')}; ops ${ops.counts.slice(1).join(', ')} (20 variables, unpacked gradients)`;
  }));

  // The user's default (engine 'auto', as in the training matrix of browser-training.test.ts) is this engine.
  reports.push(await check("webgl: engine 'auto' selects the fused WebGL engine", () => {
    const name = selectEngine('auto').name;
    if (name !== 'webgl') throw new Error(`engine 'auto' selects '${name}' on webgl`);
  }));
  return { renderer, reports };
}

(globalThis as { runWebGlFusedChecks?: typeof runWebGlFusedChecks }).runWebGlFusedChecks = runWebGlFusedChecks;

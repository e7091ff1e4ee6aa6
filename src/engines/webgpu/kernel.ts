// A rule's math compiled to one WGSL compute shader over a group's arena (see arena.ts): the fused
// WebGPU update. The statements come from the rule (src/rules) through `toWGSL` (at the end of this file), so the shader, the
// JavaScript loop of the cpu/wasm engines and the ops path are all derived from the same text.
//
// Shape of the shader:
//   - binding 0: the arena, `array<vec4<f32>>`, laid out as segments [p | g | slot0 | slot1 ...],
//     each `n4` vec4s long. Element i of a segment belongs to the same variable element in every
//     segment, so the update is purely elementwise: no per-variable table, no branches.
//   - binding 1: a uniform struct {n4, then one f32 per scalar input in rule.scalarNames order}.
//     Learning rate, bias corrections etc. change every step; as uniforms they never recompile.
//   - binding 2: the clip state (global-norm.ts). A rule clipped by a factor (src/rules/clip.ts)
//     reads globalClipnorm's factor there, where the combine dispatch wrote it: it never passes
//     through the CPU. Other kernels do not declare it.
//   - each invocation updates a few vec4s (4 elements each); how many depends on the adapter, see
//     kernelShapeFor.
// Arithmetic is f32 per operation, like each tfjs kernel of the ops path; the scalar-only parts were
// already hoisted to the host by compileRule, so every engine sees the same float32 inputs.
import type { Expr } from '../../rules/expression.js';
import type { CompiledRule } from '../../rules/rule.js';
import { CLIP_FACTOR } from '../../rules/clip.js';
import { CLIP_FACTOR_WGSL, CLIP_STATE_BINDING } from './global-norm.js';

/** How the arena is spread over invocations. */
export interface KernelShape {
  /** Invocations per workgroup (64: within every adapter's default limits, fills SIMD lanes). */
  workgroupSize: number;
  /** Consecutive vec4s each invocation updates. */
  vec4PerInvocation: number;
}

/**
 * A GPU wants one vec4 per invocation: neighbouring invocations then read neighbouring bytes
 * (coalesced). A software adapter (SwiftShader, llvmpipe, WARP) runs invocations on CPU cores and
 * is compute-bound: each invocation carries a fixed cost, so fewer invocations doing a run of 8
 * vec4s each pay (measured on SwiftShader: Adam about 1.5x faster than with one vec4 each).
 */
export function kernelShapeFor(adapter: { vendor?: string; architecture?: string } | undefined): KernelShape {
  const software = /swiftshader|llvmpipe|lavapipe|softpipe|warp|software/i.test(`${adapter?.vendor ?? ''} ${adapter?.architecture ?? ''}`);
  return { workgroupSize: 64, vec4PerInvocation: software ? 8 : 1 };
}

/** Workgroups for an arena segment of n4 vec4s, as a 2-D grid when one dimension's limit is not enough. */
export function workgroupGrid(n4: number, shape: KernelShape, maxPerDimension: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n4 / (shape.vec4PerInvocation * shape.workgroupSize)));
  const x = Math.min(groups, maxPerDimension);
  return [x, Math.ceil(groups / x)];
}

export interface FusedKernel {
  /** CompiledRule.key and the shape: pipelines are cached by it. */
  key: string;
  wgsl: string;
  /** Arena segments: p, g, then the rule's slots. */
  segments: number;
  /** Segments the shader writes back (p and the assigned slots), by segment index: copied out after. */
  written: number[];
  /** Bytes of the uniform struct: n4 plus one f32 per scalar, padded to 16. */
  uniformBytes: number;
}

const kernels = new Map<string, FusedKernel>();

export function fusedKernel(rule: CompiledRule, shape: KernelShape): FusedKernel {
  const key = `${rule.key}|wg=${shape.workgroupSize}x${shape.vec4PerInvocation}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    kernel = buildKernel(rule, shape, key);
    kernels.set(key, kernel);
  }
  return kernel;
}

/** The scalars passed as uniforms: all but the clip factor, which the kernel reads from the clip state. */
function uniformScalars(rule: CompiledRule): string[] {
  return rule.scalarNames.filter((n) => n !== CLIP_FACTOR);
}

/** Fills the uniform struct for one step: n4 as u32, then the scalars as f32, in scalarNames order. */
export function writeUniforms(rule: CompiledRule, scalars: Readonly<Record<string, number>>, n4: number, into: ArrayBuffer) {
  new Uint32Array(into, 0, 1)[0] = n4;
  const names = uniformScalars(rule);
  const values = new Float32Array(into, 4, names.length);
  names.forEach((name, i) => {
    const v = scalars[name];
    if (v === undefined) throw new Error(`update rule ${rule.key}: no value for scalar '${name}'`);
    values[i] = v;
  });
}

function buildKernel(rule: CompiledRule, shape: KernelShape, key: string): FusedKernel {
  const segmentNames = ['p', 'g', ...rule.slotNames];
  const elementNames = new Set([...segmentNames, ...rule.temporaries]);
  const scalarNames = uniformScalars(rule);
  const scalarField = new Map(scalarNames.map((name, i) => [name, `s${i}`] as const));
  const readsClipFactor = scalarNames.length < rule.scalarNames.length;
  const isElement = (e: Expr): boolean => {
    switch (e.kind) {
      case 'num': return false;
      case 'ref': return elementNames.has(e.name);
      case 'neg': return isElement(e.arg);
      case 'bin': return isElement(e.left) || isElement(e.right);
      case 'call': return e.args.some(isElement);
    }
  };
  // WGSL mixes vec4 and f32 in + - * / but not in max(): a scalar argument of a mixed call is
  // splatted. Splats are marked by a ref name no rule can spell ('#' is not an identifier character).
  const SPLAT = '#splat:';
  const splatMixedCalls = (e: Expr): Expr => {
    switch (e.kind) {
      case 'num': case 'ref': return e;
      case 'neg': return { ...e, arg: splatMixedCalls(e.arg) };
      case 'bin': return { ...e, left: splatMixedCalls(e.left), right: splatMixedCalls(e.right) };
      case 'call': {
        const args = e.args.map(splatMixedCalls);
        if (!args.some(isElement)) return { ...e, args };
        return { ...e, args: args.map((a) => (isElement(a) ? a : { kind: 'ref', name: SPLAT + toWGSL(a, name) })) };
      }
    }
  };
  const name = (id: string): string => {
    if (id.startsWith(SPLAT)) return `vec4<f32>(${id.slice(SPLAT.length)})`;
    if (elementNames.has(id)) return `e_${id}`;
    if (id === CLIP_FACTOR) return CLIP_FACTOR_WGSL;
    const field = scalarField.get(id);
    if (!field) throw new Error(`update rule ${rule.key}: '${id}' is neither an element value nor a scalar input`);
    return `u.${field}`;
  };

  // A call on element values (scalar arguments splatted above) of max or min: the NaN-propagating one.
  const elementCallee = (call: Extract<Expr, { kind: 'call' }>) => ((call.fn === 'max' || call.fn === 'min') && isElement(call) ? `${call.fn}4` : call.fn);
  const assigned = new Set(rule.statements.map((s) => s.target));
  const written = segmentNames.map((n, i) => (assigned.has(n) && n !== 'g' ? i : -1)).filter((i) => i >= 0);
  const at = (segment: number) => (segment === 0 ? 'i' : `${segment}u * u.n4 + i`);
  const lines = [
    'struct Uniforms {',
    '  n4: u32,',
    ...scalarNames.map((s, i) => `  s${i}: f32, // ${s}`),
    '};',
    '@group(0) @binding(0) var<storage, read_write> arena: array<vec4<f32>>;',
    '@group(0) @binding(1) var<uniform> u: Uniforms;',
    ...(readsClipFactor ? [CLIP_STATE_BINDING] : []),
    ...NAN_PROPAGATING_WGSL,
    '',
    `@compute @workgroup_size(${shape.workgroupSize})`,
    'fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {',
    // Large arenas need a 2-D grid (at most 65535 workgroups per dimension): rows of groups.x.
    `  let first = (id.y * groups.x * ${shape.workgroupSize}u + id.x) * ${shape.vec4PerInvocation}u;`,
    `  for (var k = 0u; k < ${shape.vec4PerInvocation}u; k++) {`,
    '    let i = first + k;',
    '    if (i >= u.n4) { return; }',
    ...segmentNames.map((n, s) => `    var e_${n} = arena[${at(s)}];`),
    ...rule.temporaries.map((t) => `    var e_${t}: vec4<f32>;`),
    ...rule.statements.map((st) => {
      const value = splatMixedCalls(st.value);
      const text = toWGSL(value, name, elementCallee);
      return `    e_${st.target} = ${isElement(value) ? text : `vec4<f32>(${text})`}; // ${st.source}`;
    }),
    ...written.map((s) => `    arena[${at(s)}] = e_${segmentNames[s]};`),
    '  }',
    '}',
  ];
  return {
    key,
    wgsl: lines.join('\n'),
    segments: segmentNames.length,
    written,
    uniformBytes: Math.ceil((4 + 4 * scalarNames.length) / 16) * 16,
  };
}

/** WGSL source over f32 values; literals are written as f32 so that no integer arithmetic sneaks in. */
export function toWGSL(e: Expr, name: (id: string) => string, callee: (call: Extract<Expr, { kind: 'call' }>) => string = (call) => call.fn): string {
  const go = (x: Expr) => toWGSL(x, name, callee);
  switch (e.kind) {
    case 'num': return Number.isInteger(e.value) ? `${e.value}.0` : String(e.value);
    case 'ref': return name(e.name);
    case 'neg': return `(-${go(e.arg)})`;
    case 'bin': return `(${go(e.left)} ${e.op} ${go(e.right)})`;
    case 'call': return `${callee(e)}(${e.args.map(go).join(', ')})`;
  }
}

/**
 * max and min per element as tfjs's Maximum, Minimum and ClipByValue give them: NaN where an input
 * is NaN. WGSL's own max/min may return the other operand instead (and an implementation may assume
 * no NaN, so `x != x` is no test): a NaN gradient under clipvalue would silently become a bound.
 * The test is on the bits.
 */
const NAN_PROPAGATING_WGSL = [
  'fn isNan4(x: vec4<f32>) -> vec4<bool> { return (bitcast<vec4<u32>>(x) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u); }',
  'fn max4(a: vec4<f32>, b: vec4<f32>) -> vec4<f32> { return select(select(max(a, b), b, isNan4(b)), a, isNan4(a)); }',
  'fn min4(a: vec4<f32>, b: vec4<f32>) -> vec4<f32> { return select(select(min(a, b), b, isNan4(b)), a, isNan4(a)); }',
];

// globalClipnorm on the GPU, with no read back to the CPU: the step's gradients are copied into a
// norm arena (one segment, see arena.ts), one dispatch per arena chunk (one per step unless the
// gradients outgrow a storage binding) sums their squares into NORM_WORKGROUPS partial sums, and one
// dispatch adds the partials and writes clip_grad_norm_'s factor min(1, c / (sqrt(total) + 1e-6))
// into the clip state buffer, where each group's update kernel reads it (kernel.ts: binding 2).
//
// Clip state buffer, f32: [0] the factor, [1] the norm (kept for inspection), [2, 4) unused,
// [4, 4 + MAX_PARTIALS) the partial sums.
// The sums are float32, in another order than tfjs's square + sum + addN: the norm agrees with the
// ops path to a few float32 roundings (the tests allow 1e-5 on the trained weights).
import { GLOBAL_NORM_EPSILON } from '../../gradient-transforms.js';

/** Workgroups of a norm dispatch, each of NORM_WORKGROUP_SIZE invocations: partial sums per chunk. */
export const NORM_WORKGROUPS = 64;
const NORM_WORKGROUP_SIZE = 64;
/** Norm arena chunks one step can have (each a storage binding's worth of gradients: 128 MiB and up). */
export const MAX_NORM_CHUNKS = 64;
const PARTIALS_AT = 4;
export const CLIP_STATE_BYTES = (PARTIALS_AT + NORM_WORKGROUPS * MAX_NORM_CHUNKS) * 4;
/** The WGSL of the clip state binding and how a kernel reads the factor. */
export const CLIP_STATE_BINDING = '@group(0) @binding(2) var<storage, read_write> clipState: array<f32>;';
export const CLIP_FACTOR_WGSL = 'clipState[0]';
/** Bytes of a norm chunk's uniforms {n4, partialBase} and of the combine's {count, c}. */
export const NORM_UNIFORM_BYTES = 16;

/** Adds a workgroup's `sums` into sums[0] (every invocation must call it: it has barriers). */
const TREE_SUM = [
  `  for (var half = ${NORM_WORKGROUP_SIZE / 2}u; half > 0u; half = half / 2u) {`,
  '    workgroupBarrier();',
  '    if (local < half) { sums[local] = sums[local] + sums[local + half]; }',
  '  }',
];

/** Σ g² of a norm arena chunk (n4 vec4s at its start) into partials [partialBase, partialBase + NORM_WORKGROUPS). */
export const NORM_WGSL = [
  'struct Uniforms { n4: u32, partialBase: u32 };',
  '@group(0) @binding(0) var<storage, read_write> arena: array<vec4<f32>>;',
  '@group(0) @binding(1) var<uniform> u: Uniforms;',
  CLIP_STATE_BINDING,
  `var<workgroup> sums: array<f32, ${NORM_WORKGROUP_SIZE}>;`,
  '',
  `@compute @workgroup_size(${NORM_WORKGROUP_SIZE})`,
  'fn main(@builtin(local_invocation_index) local: u32, @builtin(workgroup_id) group: vec3<u32>) {',
  '  var s = vec4<f32>(0.0);',
  `  for (var i = group.x * ${NORM_WORKGROUP_SIZE}u + local; i < u.n4; i = i + ${NORM_WORKGROUPS * NORM_WORKGROUP_SIZE}u) {`,
  '    let g = arena[i];',
  '    s = s + g * g;',
  '  }',
  '  sums[local] = (s.x + s.y) + (s.z + s.w);',
  ...TREE_SUM,
  `  if (local == 0u) { clipState[${PARTIALS_AT}u + u.partialBase + group.x] = sums[0]; }`,
  '}',
].join('\n');

/** The partials [0, count) into the factor (and the norm), in one workgroup. */
export const COMBINE_WGSL = [
  'struct Uniforms { count: u32, c: f32 };',
  '@group(0) @binding(0) var<storage, read_write> clipState: array<f32>;',
  '@group(0) @binding(1) var<uniform> u: Uniforms;',
  `var<workgroup> sums: array<f32, ${NORM_WORKGROUP_SIZE}>;`,
  '',
  `@compute @workgroup_size(${NORM_WORKGROUP_SIZE})`,
  'fn main(@builtin(local_invocation_index) local: u32) {',
  '  var s = 0.0;',
  `  for (var i = local; i < u.count; i = i + ${NORM_WORKGROUP_SIZE}u) { s = s + clipState[${PARTIALS_AT}u + i]; }`,
  '  sums[local] = s;',
  ...TREE_SUM,
  '  if (local == 0u) {',
  '    let norm = sqrt(sums[0]);',
  '    clipState[1] = norm;',
  // clip_grad_norm_ (and gradient-transforms.ts): min(1, c / (norm + 1e-6)), each op in float32.
  // A NaN gradient makes the ratio NaN, and the factor must stay NaN (clip_grad_norm_ makes every
  // gradient NaN then): WGSL's min may return the other operand for NaN, so test the bits.
  `    let ratio = u.c / (norm + ${GLOBAL_NORM_EPSILON});`,
  '    let ratioIsNan = (bitcast<u32>(ratio) & 0x7fffffffu) > 0x7f800000u;',
  '    clipState[0] = select(min(1.0, ratio), ratio, ratioIsNan);',
  '  }',
  '}',
].join('\n');

/** A norm chunk's uniforms. */
export function normUniforms(n4: number, chunk: number): ArrayBuffer {
  const data = new Uint32Array(NORM_UNIFORM_BYTES / 4);
  data[0] = n4;
  data[1] = chunk * NORM_WORKGROUPS;
  return data.buffer;
}

/** The combine's uniforms for `chunks` norm chunks and the clip value c. */
export function combineUniforms(chunks: number, c: number): ArrayBuffer {
  const buffer = new ArrayBuffer(NORM_UNIFORM_BYTES);
  new Uint32Array(buffer, 0, 1)[0] = chunks * NORM_WORKGROUPS;
  new Float32Array(buffer, 4, 1)[0] = c;
  return buffer;
}

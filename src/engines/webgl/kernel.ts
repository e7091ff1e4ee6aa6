// A rule's math compiled to GLSL fragment programs for tfjs's WebGL backend: the fused WebGL
// update. tfjs renders a program into one texture, so a rule that writes k values per element (Adam:
// m, v and p) becomes k programs per variable, each computing what its output needs from the same
// statements (the rule's text, src/rules) and nothing else: the m program reads m and g, the p
// program reads all four and recomputes m and v on the way, which costs arithmetic, not passes.
//
// Shape of a program (per rule variant, output and variable shape; tfjs caches the compiled shader):
//   - inputs: `param`, `grad`, `slot0`, `slot1`... (only those the output needs), read with tfjs's
//     generated get<Name>AtOutCoords(): logical coordinates, so each input may sit in a texture of
//     its own layout (a reshaped gradient, say) and still line up element for element;
//   - scalars: one uniform float array `ruleScalars`, in uniformNames(rule) order; new values each
//     step never recompile. Except the clip factor (src/rules/clip.ts), which is computed on the GPU
//     by tfjs ops and stays there: a scalar input texture `clipFactor`, read with getClipFactor()
//     (a uniform would need its value on the CPU, a sync read that stalls the pipeline);
//   - packed (tfjs's default, WEBGL_PACK): vec4 per fragment, a 2x2 block of the last two
//     dimensions; the lanes of a block past the tensor's edge are set to 0, as tfjs's own packed ops
//     leave them (a packed matMul reads them: they must be 0, not Adam's NaN of 0/0 or sqrt(-eps)).
//     Unpacked: one float per fragment.
// Arithmetic is float32 per operation, like each tfjs kernel of the ops path; the scalar-only parts
// were hoisted to the host by compileRule, so every engine sees the same float32 inputs.
import { referencedNames, type Expr, type Statement } from '../../rules/expression.js';
import type { CompiledRule } from '../../rules/rule.js';
import { CLIP_FACTOR } from '../../rules/clip.js';
import type { GpgpuProgram } from './backend.js';

/** Highest rank tfjs's WebGL shaders address (ivec6). */
export const MAX_RANK = 6;

export interface UpdateProgram {
  /** What the program writes: 'p' or a slot name. */
  target: string;
  program: GpgpuProgram;
  /** The tensor each of program.variableNames reads: 'p', 'g', a slot name, or CLIP_FACTOR (a scalar tensor). */
  inputs: string[];
}

/** The scalars the programs take as uniforms, in `ruleScalars` order: all of the rule's but the clip factor (an input texture). */
export function uniformNames(rule: CompiledRule): string[] {
  return rule.scalarNames.filter((n) => n !== CLIP_FACTOR);
}

/** The names a rule writes back per element: the assigned slots, then p (never g: `g = g + wd * p` is local). */
export function writtenTargets(rule: CompiledRule): string[] {
  const assigned = new Set(rule.statements.map((s) => s.target));
  return [...rule.slotNames.filter((n) => assigned.has(n)), 'p'];
}

const programs = new Map<string, UpdateProgram>();

/** The program that computes `target` for a variable of `shape`; cached (tfjs caches the shader by its source and shapes). */
export function updateProgram(rule: CompiledRule, target: string, shape: readonly number[], packed: boolean): UpdateProgram {
  const key = `${rule.key}|${target}|${shape.join('x')}|${packed ? 'packed' : 'unpacked'}`;
  let program = programs.get(key);
  if (!program) {
    if (programs.size > 4096) programs.clear(); // shapes seen once (a model rebuilt with new sizes) do not pile up
    program = buildProgram(rule, target, [...shape], packed);
    programs.set(key, program);
  }
  return program;
}

/** The statements the final value of `target` depends on, in order (the rest is dead code for this output). */
export function statementsFor(statements: readonly Statement[], target: string): Statement[] {
  const needed = new Set([target]);
  const kept: Statement[] = [];
  for (let i = statements.length - 1; i >= 0; i--) {
    const st = statements[i]!;
    if (!needed.has(st.target)) continue;
    kept.unshift(st);
    needed.delete(st.target);
    for (const n of referencedNames(st.value)) needed.add(n);
  }
  return kept;
}

function buildProgram(rule: CompiledRule, target: string, shape: number[], packed: boolean): UpdateProgram {
  const statements = statementsFor(rule.statements, target);
  // What the kept statements read before assigning it, in segment order: these are the inputs.
  const read = new Set<string>();
  const assigned = new Set<string>();
  for (const st of statements) {
    for (const n of referencedNames(st.value)) if (!assigned.has(n)) read.add(n);
    assigned.add(st.target);
  }
  if (!assigned.has(target)) read.add(target); // an output nothing assigns is passed through (not a case today)
  const segments = ['p', 'g', ...rule.slotNames];
  const samplerOf = new Map<string, string>([...segments.map((n, i) => [n, i === 0 ? 'param' : i === 1 ? 'grad' : `slot${i - 2}`] as const), [CLIP_FACTOR, CLIP_FACTOR]]);
  const elementInputs = segments.filter((n) => read.has(n));
  const inputs = [...elementInputs, ...(read.has(CLIP_FACTOR) ? [CLIP_FACTOR] : [])];
  const elementNames = new Set([...segments, ...rule.temporaries]);
  const uniforms = uniformNames(rule);
  const scalarIndex = new Map(uniforms.map((n, i) => [n, i] as const));
  const type = packed ? 'vec4' : 'float';

  const name = (id: string): string => {
    if (elementNames.has(id)) return `e_${id}`;
    if (id === CLIP_FACTOR) return 's_clipFactor';
    const i = scalarIndex.get(id);
    if (i === undefined) throw new Error(`update rule ${rule.key}: '${id}' is neither an element value nor a scalar input`);
    return `ruleScalars[${i}]`;
  };
  const body = [
    ...elementInputs.map((n) => `  ${type} e_${n} = get${capitalize(samplerOf.get(n)!)}AtOutCoords();`),
    // A packed scalar's texel holds it in x.
    ...(inputs.includes(CLIP_FACTOR) ? [`  float s_clipFactor = get${capitalize(CLIP_FACTOR)}()${packed ? '.x' : ''};`] : []),
    ...[...assigned].filter((n) => !read.has(n)).map((n) => `  ${type} e_${n};`),
    ...statements.map((st) => {
      const value = toGLSL(st.value, elementNames, name, type);
      return `  e_${st.target} = ${value.element ? value.code : `${type}(${value.code})`}; // ${st.source}`;
    }),
    `  ${type} result = e_${target};`,
    ...(packed ? zeroPastTheEdge(shape) : []),
    '  setOutput(result);',
  ];
  const userCode = [
    `// ${rule.key}: ${target}`,
    ...elementInputs.filter((n) => n !== 'p' && n !== 'g').map((n) => `// ${samplerOf.get(n)}: ${n}`),
    ...NAN_PROPAGATING_GLSL,
    'void main() {',
    ...body,
    '}',
  ].join('\n');
  return {
    target,
    inputs,
    program: {
      variableNames: inputs.map((n) => samplerOf.get(n)!),
      outputShape: shape,
      userCode,
      packedInputs: packed,
      packedOutput: packed,
      ...(uniforms.length > 0 ? { customUniforms: [{ name: 'ruleScalars', type: 'float' as const, arrayIndex: uniforms.length }] } : {}),
    },
  };
}

/**
 * max and min per element as tfjs's Maximum, Minimum and ClipByValue give them: NaN where an input
 * is NaN. GLSL leaves max/min of a NaN undefined (drivers return either operand), so a NaN gradient
 * under clipvalue could silently become a bound. `isnan` is the one tfjs's shader prelude gives its
 * own ops (WebGL 2's, or a bit test where tfjs's WEBGL2_ISNAN_CUSTOM flag says so; on WebGL 1 a
 * comparison).
 */
const NAN_PROPAGATING_GLSL = [
  'float max1NaN(float a, float b) { return isnan(a) ? a : isnan(b) ? b : max(a, b); }',
  'float min1NaN(float a, float b) { return isnan(a) ? a : isnan(b) ? b : min(a, b); }',
  'vec4 max4NaN(vec4 a, vec4 b) { return vec4(max1NaN(a.x, b.x), max1NaN(a.y, b.y), max1NaN(a.z, b.z), max1NaN(a.w, b.w)); }',
  'vec4 min4NaN(vec4 a, vec4 b) { return vec4(min1NaN(a.x, b.x), min1NaN(a.y, b.y), min1NaN(a.z, b.z), min1NaN(a.w, b.w)); }',
];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Packed output: the lanes of a 2x2 block past the last two dimensions' edge get 0, as tfjs's packed
 * ops with checkOutOfBounds write them (binaryop_packed_gpu.ts). A 1-D texel holds two elements (x,
 * y); z and w are padding.
 */
function zeroPastTheEdge(shape: number[]): string[] {
  const rank = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (rank === 0 || size === 1) return ['  result.yzw = vec3(0.0);'];
  // Even sizes have no lanes past the edge: no coordinates to compute.
  if (rank === 1) {
    return [...(shape[0]! % 2 === 1 ? ['  int edge = getOutputCoords();', `  if (edge + 1 >= ${shape[0]}) result.y = 0.0;`] : []), '  result.zw = vec2(0.0);'];
  }
  const [rows, cols] = [shape[rank - 2]!, shape[rank - 1]!];
  if (rows % 2 === 0 && cols % 2 === 0) return [];
  const fields = ['x', 'y', 'z', 'w', 'u', 'v'];
  return [
    `  ivec${rank} edge = getOutputCoords();`, // tfjs declares ivec5 and ivec6 itself
    ...(cols % 2 === 1 ? [`  if (edge.${fields[rank - 1]} + 1 >= ${cols}) result.yw = vec2(0.0);`] : []),
    ...(rows % 2 === 1 ? [`  if (edge.${fields[rank - 2]} + 1 >= ${rows}) result.zw = vec2(0.0);`] : []),
  ];
}

/** GLSL ES 3.00 source of an expression, and whether it is per element (vec4/float) or a scalar (float). */
export function toGLSL(e: Expr, elementNames: ReadonlySet<string>, name: (id: string) => string, type: 'vec4' | 'float'): { code: string; element: boolean } {
  const go = (x: Expr) => toGLSL(x, elementNames, name, type);
  switch (e.kind) {
    case 'num': {
      const text = String(e.value);
      return { code: /[.e]/.test(text) ? text : `${text}.0`, element: false };
    }
    case 'ref': return { code: name(e.name), element: elementNames.has(e.name) };
    case 'neg': {
      const arg = go(e.arg);
      return { code: `(-${arg.code})`, element: arg.element };
    }
    case 'bin': {
      // GLSL mixes vecN and float in + - * / (componentwise): no splat needed.
      const l = go(e.left), r = go(e.right);
      return { code: `(${l.code} ${e.op} ${r.code})`, element: l.element || r.element };
    }
    case 'call': {
      const args = e.args.map(go);
      const element = args.some((a) => a.element);
      // max(vec4, float) exists, max(float, vec4) does not: splat scalar arguments of a mixed call.
      const code = args.map((a) => (element && !a.element && type !== 'float' ? `${type}(${a.code})` : a.code)).join(', ');
      // max and min of element values: the NaN-propagating ones (NAN_PROPAGATING_GLSL).
      const fn = element && (e.fn === 'max' || e.fn === 'min') ? `${e.fn}${type === 'vec4' ? '4' : '1'}NaN` : e.fn;
      return { code: `${fn}(${code})`, element };
    }
  }
}

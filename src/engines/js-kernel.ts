// A rule's math compiled to one JavaScript loop over flat float32 arrays: the fused update of the
// cpu and wasm engines. Every operation is rounded to float32 (Math.fround) as a tfjs kernel rounds
// each op's output, and scalar inputs are float32 as tfjs makes them: so the loop gives the same
// bits as the ops path, in one pass instead of one pass per op.
import type { Expr } from '../rules/expression.js';
import type { CompiledRule } from '../rules/rule.js';

/** kernel(p, g, slots, scalars): updates p and every slot in place, element by element. */
export type JsKernel = (p: Float32Array, g: Float32Array, slots: Float32Array[], scalars: Readonly<Record<string, number>>) => void;

const kernels = new Map<string, JsKernel>();

export function jsKernel(rule: CompiledRule): JsKernel {
  let kernel = kernels.get(rule.key);
  if (!kernel) {
    kernel = new Function('p', 'g', 'slots', 'scalars', jsKernelSource(rule)) as JsKernel;
    kernels.set(rule.key, kernel);
  }
  return kernel;
}

/** JavaScript for float32 arithmetic: each + - * / and sqrt is rounded with F = Math.fround. */
function float32Js(e: Expr, name: (id: string) => string): string {
  switch (e.kind) {
    case 'num': return `F(${e.value})`;
    case 'ref': return name(e.name);
    case 'neg': return `(-${float32Js(e.arg, name)})`;
    case 'bin': return `F(${float32Js(e.left, name)} ${e.op} ${float32Js(e.right, name)})`;
    case 'call': {
      const args = e.args.map((a) => float32Js(a, name)).join(', ');
      return e.fn === 'sqrt' ? `F(Math.sqrt(${args}))` : `Math.${e.fn}(${args})`;
    }
  }
}

export function jsKernelSource(rule: CompiledRule): string {
  // Locals: e_<name> per element value, s_<name> per scalar, so no rule name can clash with JS.
  const element = new Set(['p', 'g', ...rule.slotNames, ...rule.temporaries]);
  const local = (id: string) => (element.has(id) ? `e_${id}` : `s_${id}`);
  const lines: string[] = ['"use strict";', 'const F = Math.fround;'];
  for (const s of rule.scalarNames) lines.push(`const s_${s} = F(scalars[${JSON.stringify(s)}]);`);
  rule.slotNames.forEach((s, i) => lines.push(`const a_${s} = slots[${i}];`));
  lines.push('const n = p.length;');
  lines.push('for (let i = 0; i < n; i++) {');
  lines.push('  let e_p = p[i]; let e_g = g[i];');
  for (const s of rule.slotNames) lines.push(`  let e_${s} = a_${s}[i];`);
  for (const t of rule.temporaries) lines.push(`  let e_${t};`);
  for (const st of rule.statements) lines.push(`  ${local(st.target)} = ${float32Js(st.value, local)};`);
  for (const s of rule.slotNames) lines.push(`  a_${s}[i] = e_${s};`);
  lines.push('  p[i] = e_p;');
  lines.push('}');
  return lines.join('\n');
}

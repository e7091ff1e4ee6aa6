// Gradient clipping as a statement of the rule language, for engines that clip inside their fused
// update (the ops path clips with tfjs ops first, src/gradient-transforms.ts). The clip goes in front
// of the rule's statements, so it sees the raw gradient before any L2 decay line, as the ops path's
// order (clip, then update) does:
//   scale  g = g * clipFactor                 clipnorm and globalClipnorm: the factor is computed
//                                             from the gradients' norms by the engine (a scalar input)
//   value  g = max(min(g, clipMax), clipMin)  clipvalue: clipMax = c, clipMin = −c
// Each is one float32 operation per element (two for value), the same ones tfjs's mul and
// clipByValue do, so the clipped gradient has the ops path's bits.
import { parseStatement, referencedNames } from './expression.js';
import type { CompiledRule } from './rule.js';

export type ClipMath = 'scale' | 'value';

/** The scalar a 'scale' clip multiplies the gradient by (the WebGPU and WebGL engines read it from GPU memory, the others take it as a number). */
export const CLIP_FACTOR = 'clipFactor';

const CLIP_STATEMENTS: Readonly<Record<ClipMath, string>> = {
  scale: `g = g * ${CLIP_FACTOR}`,
  value: 'g = max(min(g, clipMax), clipMin)',
};

const clipped = new Map<string, CompiledRule>();

/** The rule with the clip in front. Its scalars are the rule's plus the clip's (see clipScalars). */
export function withClip(rule: CompiledRule, clip: ClipMath): CompiledRule {
  const key = `${rule.key}|clip=${clip}`;
  let result = clipped.get(key);
  if (!result) {
    const statement = parseStatement(CLIP_STATEMENTS[clip]);
    // Neither statement has a scalar-only subexpression, so the rule's hoisted scalars (k0, k1 ...)
    // keep their names and values: the step's scalars computed for the rule serve the clipped rule.
    const names = [...referencedNames(statement.value)].filter((n) => n !== 'g');
    result = { ...rule, key, statements: [statement, ...rule.statements], scalarNames: [...new Set([...rule.scalarNames, ...names])].sort() };
    clipped.set(key, result);
  }
  return result;
}

/** The clip's scalar inputs: the factor of a 'scale' clip, or the bounds ±c of a 'value' clip. */
export function clipScalars(clip: ClipMath, value: number): Record<string, number> {
  return clip === 'scale' ? { [CLIP_FACTOR]: value } : { clipMax: value, clipMin: -value };
}

import type { UpdateRule } from './rule.js';
import { sgd } from './sgd.js';
import { momentum } from './momentum.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { rmsprop } from './rmsprop.js';
import { adagrad } from './adagrad.js';
import { adadelta } from './adadelta.js';
import { adamax } from './adamax.js';

export const RULES = { sgd, momentum, adam, adamw, rmsprop, adagrad, adadelta, adamax } as const;
export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.keys(RULES) as RuleName[];

export function getRule(name: string): UpdateRule {
  const rule = (RULES as Record<string, UpdateRule>)[name];
  if (!rule) throw new Error(`unknown update rule '${name}': expected one of ${RULE_NAMES.join(', ')}`);
  return rule;
}
export type { UpdateRule, CompiledRule, SlotSpec } from './rule.js';
export { compileRule, BACKEND_EPSILON } from './rule.js';

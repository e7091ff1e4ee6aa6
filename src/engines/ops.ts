// The portable path: the rule's math evaluated with tfjs ops, on whatever backend is active.
import * as tfc from '@tensorflow/tfjs-core';
import { evaluate, type Arithmetic } from '../rules/expression.js';
import type { GroupStep, UpdateEngine } from './engine.js';

type Value = tfc.Tensor | number;

// Plain numbers stay numbers (folded on the host) until they meet a tensor.
const tensorArithmetic: Arithmetic<Value> = {
  constant: (v) => v,
  add: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : tfc.add(a, b)),
  sub: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : tfc.sub(a, b)),
  mul: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : tfc.mul(a, b)),
  div: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a / b : tfc.div(a, b)),
  neg: (a) => (typeof a === 'number' ? -a : tfc.neg(a)),
  sqrt: (a) => (typeof a === 'number' ? Math.sqrt(a) : tfc.sqrt(a)),
  abs: (a) => (typeof a === 'number' ? Math.abs(a) : tfc.abs(a)),
  max: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : tfc.maximum(a, b)),
  min: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : tfc.minimum(a, b)),
};

export const opsEngine: UpdateEngine = {
  name: 'ops',
  run({ rule, scalars, entries }) {
    for (const entry of entries) {
      tfc.tidy(() => {
        const values = new Map<string, Value>();
        values.set('p', entry.param);
        values.set('g', entry.grad);
        rule.slotNames.forEach((name, i) => values.set(name, entry.slots[i]!));
        const lookup = (id: string): Value => {
          const v = values.get(id) ?? scalars[id];
          if (v === undefined) throw new Error(`update rule ${rule.key}: no value for '${id}'`);
          return v;
        };
        for (const s of rule.statements) values.set(s.target, evaluate(s.value, lookup, tensorArithmetic));
        rule.slotNames.forEach((name, i) => assignTensor(entry.slots[i]!, values.get(name)!));
        assignTensor(entry.param, values.get('p')!);
      });
    }
  },
};

function assignTensor(target: tfc.Variable, value: Value) {
  if (value === target) return;
  target.assign(typeof value === 'number' ? tfc.fill(target.shape, value) : value);
}

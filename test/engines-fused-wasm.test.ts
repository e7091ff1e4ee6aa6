// The fused wasm engine (one loop per variable over views of the WASM heap) against the ops
// path: every rule of the table with three groups, and the safety checks shared by all backends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { defineEquivalenceTests, defineSafetyTests, makeProblem } from './support/fused-cases.js';

await useBackend('wasm');

defineEquivalenceTests('wasm');
defineSafetyTests('wasm', { leakSteps: 1000 });

test('wasm: dataSync() after a fused step gives the new values', () => {
  const p = makeProblem([[50]], 'sync-wasm');
  const optimizer = new GroupedOptimizer('sgd', [{ params: p.vars }], { learningRate: 0.5, engine: 'fused' });
  const before = p.vars[0]!.dataSync().slice();
  p.step(optimizer, 0);
  const after = p.vars[0]!.dataSync();
  // Weights start in [1, 3], targets lie in [4, 5]: every weight must have grown.
  assert.ok(after.every((x, i) => x > before[i]!), `dataSync() after the step: ${after.slice(0, 3)} vs ${before.slice(0, 3)} before`);
  optimizer.dispose();
  p.dispose();
});

test.run();

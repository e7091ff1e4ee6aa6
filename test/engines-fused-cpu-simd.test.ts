// The cpu backend's fused engine runs the rule's WebAssembly SIMD kernel through a staging memory in
// chunks (src/engines/simd-staging.ts). Every f32x4 op is one float32 op, as every cpu kernel of the
// ops path rounds each op to float32: so the two must give the same bits, not merely close values.
// The layout exercises what the chunking does: a variable larger than a chunk (split across
// several, its size no multiple of 4), one that fills a chunk exactly plus one element, and many
// tiny variables sharing a chunk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupedOptimizer } from '../src/index.js';
import { STAGE_ELEMENTS } from '../src/engines/simd-staging.js';
import { wasmSimdSupported } from '../src/engines/wasm-simd-kernel.js';
import { useBackend, read } from './support/backend.js';
import { RULE_CASES, assertSameValues, makeProblem } from './support/fused-cases.js';

await useBackend('cpu');

const BIG = [2 * STAGE_ELEMENTS + 1001];
const EXACT_PLUS_ONE = [STAGE_ELEMENTS + 1];
const TINY = Array.from({ length: 40 }, (_, i) => [1 + (i % 9)]);
const SHAPES = [BIG, [3], EXACT_PLUS_ONE, ...TINY];
const STEPS = 25;

async function train(rc: (typeof RULE_CASES)[number], engine: 'ops' | 'fused') {
  const problem = makeProblem(SHAPES, `simd-${engine}`);
  const groups = [
    { params: problem.vars.slice(0, 3), lrScale: 1, weightDecay: 0.02 },
    { params: problem.vars.slice(3), lrScale: 0.3, weightDecay: 0 },
  ];
  const optimizer = new GroupedOptimizer(rc.rule, groups, { learningRate: rc.learningRate, engine, ...rc.options });
  for (let t = 0; t < STEPS; t++) problem.step(optimizer, t);
  const params = await Promise.all(problem.vars.map(async (v) => (await read(v)).slice()));
  const slots = await Promise.all((await optimizer.getWeights()).map(async (w) => ({ name: w.name.replace(`${problem.prefix}/`, ''), values: (await read(w.tensor)).slice() })));
  optimizer.dispose();
  problem.dispose();
  return { params, slots };
}

test('cpu: this runtime has WebAssembly SIMD, so the tests below run the SIMD kernel (not the JS loop it falls back to)', () => {
  assert.ok(wasmSimdSupported());
});

for (const rc of RULE_CASES) {
  test(`cpu: ${rc.label}, the SIMD kernel through the staging memory gives the ops path's bits (${STEPS} steps, chunks of ${STAGE_ELEMENTS})`, async () => {
    const ops = await train(rc, 'ops');
    const fused = await train(rc, 'fused');
    ops.params.forEach((expected, i) => assertSameValues(fused.params[i]!, expected, `${rc.label}: param ${i} (${SHAPES[i]} elements)`));
    ops.slots.forEach((expected, i) => assertSameValues(fused.slots[i]!.values, expected.values, `${rc.label}: ${expected.name}`));
  });
}

test.run();

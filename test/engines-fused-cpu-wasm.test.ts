// The fused cpu and wasm engines (one loop per variable over the backend's own memory: a float32 JS
// loop on cpu, WebAssembly SIMD on the wasm heap) against the ops path: every rule of the table with
// three groups, the safety checks shared by all backends, and each clip option fused into the loop.
// One suite per backend, one process.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';
import { defineClipTests, defineEquivalenceTests, defineSafetyTests, makeProblem } from './support/fused-cases.js';
import { cpuEngine } from '../src/engines/cpu.js';
import { wasmEngine } from '../src/engines/wasm.js';

for (const backend of ['cpu', 'wasm'] as const) {
  const s = suite(`fused ${backend}`);
  s.before(() => useBackend(backend));
  defineEquivalenceTests(backend, s);
  defineSafetyTests(backend, { leakSteps: 1000 }, s);
  defineClipTests(backend, backend === 'cpu' ? cpuEngine : wasmEngine, ['clipvalue', 'clipnorm', 'globalClipnorm'], s, { exact: true });
  s(`${backend}: dataSync() after a fused step gives the new values`, () => {
    const p = makeProblem([[50]], `sync-${backend}`);
    const optimizer = new GroupedOptimizer('sgd', [{ params: p.vars }], { learningRate: 0.5, engine: 'fused' });
    const before = p.vars[0]!.dataSync().slice();
    p.step(optimizer, 0);
    const after = p.vars[0]!.dataSync();
    // Weights start in [1, 3], targets lie in [4, 5]: every weight must have grown.
    assert.ok(after.every((x, i) => x > before[i]!), `dataSync() after the step: ${after.slice(0, 3)} vs ${before.slice(0, 3)} before`);
    optimizer.dispose();
    p.dispose();
  });
  s.run();
}

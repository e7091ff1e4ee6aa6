// The user-training matrix (training-runs.ts) as a uvu suite for one Node backend, plus what only
// a direct call shows (an int32 gradient).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../../src/index.js';
import { useBackend, read, type BackendName } from './backend.js';
import { matrixCases, problemOf, unsupportedModels } from './training-runs.js';

/** Registers the matrix for one backend as a uvu suite; call `.run()` on what it returns. */
export function userTrainingSuite(backend: BackendName) {
  const s = suite(`user training on ${backend}`);
  s.before(() => useBackend(backend));
  for (const { name, why } of unsupportedModels(backend)) {
    s(`${name}: not trained on ${backend} (${why}; stock tfjs cannot either)`, () => assert.ok(why.length > 0));
  }
  for (const c of matrixCases(backend)) {
    s(c.name, async () => {
      for (const comparison of await c.run()) {
        const problem = problemOf(comparison);
        assert.ok(problem === null, problem ?? '');
      }
    });
  }
  s(`an int32 gradient moves a variable as its float32 value does (${backend}, default engine)`, async () => {
    const [a, b] = [0, 1].map((i) => tf.variable(tf.fill([9], 2), true, `int-grad-${backend}-${i}`));
    const opt = new GroupedOptimizer('adam', [{ params: [a!, b!] }], { learningRate: 0.1 });
    const g = [3, -1, 0, 7, 2, -5, 1, 1, 4];
    opt.applyGradients([{ name: a!.name, tensor: tf.tensor1d(g, 'int32') }, { name: b!.name, tensor: tf.tensor1d(g, 'float32') }]);
    assert.equal(Array.from(await read(a!)), Array.from(await read(b!)));
    opt.dispose();
    tf.dispose([a!, b!]);
  });
  return s;
}

// A backend with no fused engine (tfjs-node's 'tensorflow', which cannot be installed here) gets
// the ops path: engine 'auto' trains as stock tfjs does, and engine 'fused' is refused with a clear
// error before anything changes. The backend is chosen by name only, so a backend registered under
// the name 'tensorflow' (tfjs's cpu backend and its kernels, as tfjs-node's would be registered) is
// what the engine table sees in tfjs-node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { selectEngine } from '../src/engines/select.js';
import { read } from './support/backend.js';
import { makeProblem } from './support/fused-cases.js';
import { maxRelativeDifference } from './support/rule-cases.js';

const NAME = 'tensorflow';
await tf.setBackend('cpu');
const CpuBackend = (tf.backend() as object).constructor as new () => tf.KernelBackend;
tf.registerBackend(NAME, () => new CpuBackend());
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: NAME });
if (!(await tf.setBackend(NAME))) throw new Error(`could not start a backend named '${NAME}'`);

test(`on a backend named '${NAME}', engine 'auto' is the ops path`, () => {
  assert.is(tf.getBackend(), NAME);
  assert.is(selectEngine('auto').name, 'ops');
});

test(`on '${NAME}', engine 'auto' trains adam as stock tfjs does (30 steps, 3 variables)`, async () => {
  const shapes = [[5, 7], [7], [1]];
  const grouped = makeProblem(shapes, 'tensorflow-grouped');
  const stock = makeProblem(shapes, 'tensorflow-stock');
  const start = (await read(grouped.vars[0]!)).slice();
  const optimizer = new GroupedOptimizer('adam', [{ params: grouped.vars }], { learningRate: 0.05 });
  const reference = tf.train.adam(0.05);
  for (let t = 0; t < 30; t++) {
    grouped.step(optimizer, t);
    stock.step(reference, t);
  }
  for (let i = 0; i < shapes.length; i++) {
    const diff = maxRelativeDifference(await read(grouped.vars[i]!), await read(stock.vars[i]!));
    assert.ok(diff <= 1e-5, `variable ${i}: ${diff} from stock`);
  }
  assert.ok(maxRelativeDifference(await read(grouped.vars[0]!), start) > 0.1, 'the weights moved');
  optimizer.dispose();
  reference.dispose();
  grouped.dispose();
  stock.dispose();
});

test(`on '${NAME}', engine 'fused' is refused, naming the backend, and nothing changes`, async () => {
  const problem = makeProblem([[4]], 'tensorflow-fused');
  const before = (await read(problem.vars[0]!)).slice();
  const optimizer = new GroupedOptimizer('sgd', [{ params: problem.vars }], { learningRate: 0.1, engine: 'fused' });
  assert.throws(() => problem.step(optimizer, 0), /no fused update for the 'tensorflow' backend/);
  assert.equal(Array.from(await read(problem.vars[0]!)), Array.from(before));
  optimizer.dispose();
  problem.dispose();
});

test.run();

// The first step of an optimizer whose groups list 4,000 variables by exact name, against the same
// groups given as variable objects (cpu backend, SGD): resolving names must cost about as much as
// objects do, not grow with names × names. Run: npm run build && node bench/lookup.mjs
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../dist/src/index.js';

await tf.setBackend('cpu');
const N = 4000;
function firstStep(byName, tag) {
  const vars = Array.from({ length: N }, (_, i) => tf.variable(tf.zeros([1]), true, `${tag}/layer_${i}/kernel`));
  const groups = [0, 1].map((g) => ({ name: `g${g}`, params: vars.filter((_, i) => i % 2 === g).map((v) => (byName ? v.name : v)) }));
  const grads = vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
  const started = performance.now();
  const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: 0.1 });
  optimizer.applyGradients(grads);
  const ms = performance.now() - started;
  tf.dispose([...vars, ...grads.map((g) => g.tensor)]);
  return ms;
}
const rows = [];
for (let run = 0; run < 3; run++) rows.push({ byObject: firstStep(false, `o${run}`), byName: firstStep(true, `n${run}`) });
const median = (xs) => xs.sort((a, b) => a - b)[1];
const byObject = median(rows.map((r) => r.byObject)), byName = median(rows.map((r) => r.byName));
console.log(`first step, ${N} variables: by object ${byObject.toFixed(0)} ms, by exact name ${byName.toFixed(0)} ms (${(byName / byObject).toFixed(2)}x)`);

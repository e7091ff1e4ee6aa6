// No tensor leaks: the number of live tensors after step 10 equals that after step 1000,
// on the ops path and the fused path, with several groups.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

for (const engine of ['ops', 'fused'] as const) {
  for (const rule of ['adamw', 'rmsprop', 'adadelta']) {
    test(`${rule} (${engine}): tf.memory() is steady from step 10 to step 1000`, () => {
      const vars = [tf.variable(tf.randomNormal([20, 5])), tf.variable(tf.randomNormal([5])), tf.variable(tf.randomNormal([7]))];
      const opt = new GroupedOptimizer(rule, [
        { params: vars.slice(0, 2), lrScale: 0.5, weightDecay: 0.01 },
        { params: vars.slice(2) },
      ], { learningRate: 0.01, engine, ...(rule === 'rmsprop' ? { centered: true, momentum: 0.9 } : {}) });
      const f = () => tf.addN(vars.map((v) => tf.sum(tf.square(v)))) as tf.Scalar;
      let atStep10 = { numTensors: 0, numBytes: 0 };
      for (let step = 1; step <= 1000; step++) {
        const cost = opt.minimize(f, true, vars);
        cost?.dispose();
        if (step === 10) atStep10 = tf.memory();
      }
      const atStep1000 = tf.memory();
      assert.is(atStep1000.numTensors, atStep10.numTensors, 'live tensors');
      assert.is(atStep1000.numBytes, atStep10.numBytes, 'live bytes');
      opt.dispose();
      tf.dispose(vars);
    });
  }
}

test.run();

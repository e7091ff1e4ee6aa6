// install(tf) patches tf.train.* for group arrays only; numbers keep the stock behaviour before,
// during and after; uninstall(tf) restores every original.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as tfc from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { GroupedOptimizer, install, uninstall, isInstalled, schedules } from '../src/index.js';
import { useBackend } from './support/backend.js';

await useBackend('cpu');

const FACTORIES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const;
type Train = Record<string, (...args: unknown[]) => tf.Optimizer>;
const train = tf.train as unknown as Train;
const originals = Object.fromEntries(FACTORIES.map((f) => [f, train[f]]));

/** Stock class name and config of tf.train.<f>(numbers...): what "the stock behaviour" means here. */
const STOCK_CALLS: Record<string, { args: unknown[]; className: string }> = {
  sgd: { args: [0.1], className: 'SGD' },
  momentum: { args: [0.1, 0.9], className: 'Momentum' },
  adam: { args: [0.01], className: 'Adam' },
  rmsprop: { args: [0.01], className: 'RMSProp' },
  adagrad: { args: [0.1], className: 'Adagrad' },
  adadelta: { args: [0.1], className: 'Adadelta' },
  adamax: { args: [0.01], className: 'Adamax' },
};

function assertStock(phase: string) {
  for (const f of FACTORIES) {
    const { args, className } = STOCK_CALLS[f]!;
    const opt = train[f]!(...args);
    assert.is(opt.getClassName(), className, `${phase}: tf.train.${f}(number) must give the stock ${className}`);
    assert.not.instance(opt, GroupedOptimizer);
    opt.dispose();
  }
}

test('numbers give stock optimizers before install', () => {
  assertStock('before install');
  assert.is(train.adamw, undefined);
});

test('install patches the factories, adds adamw, returns tf and is idempotent', () => {
  const returned = install(tf);
  assert.is(returned, tf);
  const patched = train.adam;
  install(tf);
  assert.is(train.adam, patched, 'a second install must not wrap twice');
  assert.ok(isInstalled(tf));
  assertStock('after install');
  const v = tf.variable(tf.zeros([3]));
  for (const f of FACTORIES) {
    const args = f === 'momentum' ? [0.1, 0.9] : [0.1];
    const opt = train[f]!([{ params: [v], lrScale: 0.5 }], ...args);
    assert.instance(opt, GroupedOptimizer, `tf.train.${f}(groups, ...) must give a GroupedOptimizer`);
    assert.is((opt as GroupedOptimizer).rule.name, f);
    assert.is((opt as GroupedOptimizer).paramGroups[0]!.lr, 0.05);
  }
  const w = train.adamw!([{ params: [v] }], 0.001, 0.9, 0.999, 1e-8, 0.05) as GroupedOptimizer;
  assert.is(w.rule.name, 'adamw');
  assert.is(w.paramGroups[0]!.weightDecay, 0.05);
  const scheduled = train.adam!(schedules.constant(0.1)) as GroupedOptimizer;
  assert.instance(scheduled, GroupedOptimizer, 'a schedule without groups: one group of every variable (stock tfjs would make NaN weights)');
  assert.is(scheduled.learningRate, 0.1);
  const plain = train.adamw!(0.002) as GroupedOptimizer;
  assert.is(plain.learningRate, 0.002);
  assert.is(plain.paramGroups[0]!.weightDecay, 0.01, 'PyTorch default weight decay');
});

test('the namespace install returns is typed for groups and numbers alike', () => {
  const tfg = install(tf);
  const v = tf.variable(tf.zeros([2]));
  const grouped: GroupedOptimizer = tfg.train.adam([{ params: [v] }], 0.1); // type-checked by the build
  const stock: tf.AdamOptimizer = tfg.train.adam(0.1);
  assert.instance(grouped, GroupedOptimizer);
  assert.is(stock.getClassName(), 'Adam');
  assert.is(tfg.train.adamw([{ params: [v] }], 0.1).rule.name, 'adamw');
});

test('positional arguments map to the stock order', () => {
  const v = tf.variable(tf.zeros([2]));
  const adam = train.adam!([{ params: [v] }], 0.003, 0.8, 0.95, 1e-5) as GroupedOptimizer;
  assert.equal(adam.paramGroups[0]!.hyperparameters, { beta1: 0.8, beta2: 0.95, epsilon: 1e-5 });
  const rms = train.rmsprop!([{ params: [v] }], 0.01, 0.8, 0.3, 1e-6, true) as GroupedOptimizer;
  assert.equal(rms.paramGroups[0]!.hyperparameters, { decay: 0.8, momentum: 0.3, epsilon: 1e-6, centered: true });
  const mom = train.momentum!([{ params: [v] }], 0.01, 0.7, true) as GroupedOptimizer;
  assert.equal(mom.paramGroups[0]!.hyperparameters, { momentum: 0.7, useNesterov: true });
  const opts = train.adam!([{ params: [v] }], { learningRate: 0.004, beta1: 0.5 }) as GroupedOptimizer;
  assert.is(opts.learningRate, 0.004);
  assert.is(opts.paramGroups[0]!.hyperparameters.beta1, 0.5);
  assert.throws(() => train.sgd!([{ params: [v] }], 0.1, 0.2), /got 2 arguments/);
});

test("model.compile({optimizer: 'adamw'}) works once installed", () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: 'adamw', loss: 'meanSquaredError' });
  assert.instance(model.optimizer, GroupedOptimizer);
  assert.is((model.optimizer as GroupedOptimizer).rule.name, 'adamw');
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  assert.is(model.optimizer.getClassName(), 'Adam', "other strings keep tfjs's own table");
});

test('the same patch is seen through tfjs-core and require()', () => {
  assert.is((tfc.train as unknown as Train).adamw, train.adamw, 'tfjs and tfjs-core share tf.train');
  const required = createRequire(import.meta.url)('@tensorflow/tfjs') as typeof tf;
  assert.ok(isInstalled(required));
});

test('uninstall restores every original', () => {
  uninstall(tf);
  for (const f of FACTORIES) assert.is(train[f], originals[f], `tf.train.${f} restored`);
  assert.is(train.adamw, undefined);
  assert.not.ok(isInstalled(tf));
  assertStock('after uninstall');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  assert.throws(() => model.compile({ optimizer: 'adamw', loss: 'meanSquaredError' }), /adamw/i);
  uninstall(tf); // a second uninstall is harmless
});

test('install works on the tfjs-core namespace (no LayersModel to patch)', () => {
  install(tfc as unknown as typeof tf);
  assert.ok(isInstalled(tf), 'tfjs-core and tfjs share tf.train');
  uninstall(tfc as unknown as typeof tf);
  assert.not.ok(isInstalled(tf));
});

test.run();

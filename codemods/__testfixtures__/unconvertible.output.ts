import * as tf from '@tensorflow/tfjs';

// A factory function: which model the optimizer will train is not known here.
export function makeOptimizer(lr: number): tf.Optimizer {
  return tf.train.adam(lr);
}

export const makeSgd = (lr: number) => tf.train.sgd(lr);

export function compileAll(model: tf.LayersModel, other: tf.LayersModel, name: string, args: [number]) {
  model.compile({ optimizer: makeOptimizer(0.01), loss: 'meanSquaredError' });

  // The name of the rule is only known at run time.
  const rule = name as 'adam' | 'adamax';
  const chosen = tf.train[rule](0.01);
  model.compile({ optimizer: chosen, loss: 'meanSquaredError' });
  model.compile({ optimizer: name, loss: 'meanSquaredError' });

  // Spread arguments and spread options.
  const spread = tf.train.sgd(...args);
  model.compile({ optimizer: spread, loss: 'meanSquaredError' });
  const base: tf.ModelCompileArgs = { optimizer: 'adam', loss: 'meanSquaredError' };
  model.compile({ ...base, metrics: ['accuracy'] });
  const overrides: Partial<tf.ModelCompileArgs> = {};
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', ...overrides });

  // One optimizer shared by two models.
  const shared = tf.train.adam(0.001);
  model.compile({ optimizer: shared, loss: 'meanSquaredError' });
  other.compile({ optimizer: shared, loss: 'meanSquaredError' });

  // Not a name tfjs-layers accepts (it throws on 'ADAM').
  model.compile({ optimizer: 'ADAM', loss: 'meanSquaredError' });
}

// No model in reach of this optimizer.
export const orphan = tf.train.adagrad(0.1);

// The model is created after the optimizer.
const early = tf.train.rmsprop(0.001);
const late = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
late.compile({ optimizer: early, loss: 'meanSquaredError' });

export class Trainer {
  private readonly optimizer: tf.Optimizer;
  constructor(private readonly model: tf.LayersModel) {
    this.optimizer = tf.train.adam(0.001);
    this.model.compile({ optimizer: this.optimizer, loss: 'meanSquaredError' });
  }
}

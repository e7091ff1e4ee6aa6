import * as tf from '@tensorflow/tfjs';

// A factory function: which model the optimizer will train is not known here.
export function makeOptimizer(lr: number): tf.Optimizer {
  // TODO(tfjs-layer-decay): the optimizer is built in a factory function ('makeOptimizer'); convert it where the model is known
  return tf.train.adam(lr);
}

// TODO(tfjs-layer-decay): the optimizer is built in a factory function ('makeSgd'); convert it where the model is known
export const makeSgd = (lr: number) => tf.train.sgd(lr);

export function compileAll(model: tf.LayersModel, other: tf.LayersModel, name: string, args: [number]) {
  // TODO(tfjs-layer-decay): the optimizer comes from 'makeOptimizer(...)', a function this codemod does not follow
  model.compile({ optimizer: makeOptimizer(0.01), loss: 'meanSquaredError' });

  // The name of the rule is only known at run time.
  const rule = name as 'adam' | 'adamax';
  // TODO(tfjs-layer-decay): the optimizer name is computed at run time (tf.train[...])
  const chosen = tf.train[rule](0.01);
  model.compile({ optimizer: chosen, loss: 'meanSquaredError' });
  // TODO(tfjs-layer-decay): the optimizer is the parameter 'name'; convert it where it is built
  model.compile({ optimizer: name, loss: 'meanSquaredError' });

  // Spread arguments and spread options.
  // TODO(tfjs-layer-decay): spread arguments: the position of the learning rate is unknown
  const spread = tf.train.sgd(...args);
  model.compile({ optimizer: spread, loss: 'meanSquaredError' });
  const base: tf.ModelCompileArgs = { optimizer: 'adam', loss: 'meanSquaredError' };
  // TODO(tfjs-layer-decay): the optimizer may come from spread options ('...base')
  model.compile({ ...base, metrics: ['accuracy'] });
  const overrides: Partial<tf.ModelCompileArgs> = {};
  // TODO(tfjs-layer-decay): spread options after 'optimizer' may replace it ('...overrides')
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', ...overrides });

  // One optimizer shared by two models.
  // TODO(tfjs-layer-decay): the optimizer is used with several models or variable lists (model, other)
  const shared = tf.train.adam(0.001);
  model.compile({ optimizer: shared, loss: 'meanSquaredError' });
  other.compile({ optimizer: shared, loss: 'meanSquaredError' });

  // Not a name tfjs-layers accepts (it throws on 'ADAM').
  // TODO(tfjs-layer-decay): 'ADAM' is not an optimizer name tfjs-layers accepts
  model.compile({ optimizer: 'ADAM', loss: 'meanSquaredError' });
}

// No model in reach of this optimizer.
// TODO(tfjs-layer-decay): no model in reach: the optimizer is not passed to model.compile or used by minimize/applyGradients in this file
export const orphan = tf.train.adagrad(0.1);

// The model is created after the optimizer.
// TODO(tfjs-layer-decay): 'late' is declared or assigned after the optimizer is built
const early = tf.train.rmsprop(0.001);
const late = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
late.compile({ optimizer: early, loss: 'meanSquaredError' });

export class Trainer {
  private readonly optimizer: tf.Optimizer;
  constructor(private readonly model: tf.LayersModel) {
    // TODO(tfjs-layer-decay): the optimizer is stored in 'this.optimizer'; only local variables are followed
    this.optimizer = tf.train.adam(0.001);
    // TODO(tfjs-layer-decay): the optimizer is read from 'this.optimizer'; only local variables are followed
    this.model.compile({ optimizer: this.optimizer, loss: 'meanSquaredError' });
  }
}

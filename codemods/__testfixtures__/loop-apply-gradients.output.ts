import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

export function trainLoop(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, steps: number) {
  const optimizer = groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [1e-4, 0.9, 0.98]);
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor));
    optimizer.applyGradients(grads as unknown as Record<string, tf.Variable>);
    value.dispose();
    tf.dispose(grads);
  }
}

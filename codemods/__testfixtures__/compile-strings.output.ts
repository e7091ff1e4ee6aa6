import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

const OPTIMIZER = 'rmsprop';

function dense(): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
}

// Every spelling tfjs-layers accepts, each with its default learning rate.
const a = dense(); a.compile({ optimizer: groupedOptimizer('sgd', layerDecayGroups(a, { decay: 0.75 }), [0.01]), loss: 'meanSquaredError' });
const b = dense(); b.compile({ optimizer: groupedOptimizer('sgd', layerDecayGroups(b, { decay: 0.75 }), [0.01]), loss: 'meanSquaredError' });
const c = dense(); c.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(c, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
const d = dense(); d.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(d, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
const e = dense(); e.compile({ optimizer: groupedOptimizer('adagrad', layerDecayGroups(e, { decay: 0.75 }), [0.01]), loss: 'meanSquaredError' });
const f = dense(); f.compile({ optimizer: groupedOptimizer('adagrad', layerDecayGroups(f, { decay: 0.75 }), [0.01]), loss: 'meanSquaredError' });
const g = dense(); g.compile({ optimizer: groupedOptimizer('adadelta', layerDecayGroups(g, { decay: 0.75 }), [1]), loss: 'meanSquaredError' });
const h = dense(); h.compile({ optimizer: groupedOptimizer('adadelta', layerDecayGroups(h, { decay: 0.75 }), [1]), loss: 'meanSquaredError' });
const i = dense(); i.compile({ optimizer: groupedOptimizer('adamax', layerDecayGroups(i, { decay: 0.75 }), [0.002]), loss: 'meanSquaredError' });
const j = dense(); j.compile({ optimizer: groupedOptimizer('adamax', layerDecayGroups(j, { decay: 0.75 }), [0.002]), loss: 'meanSquaredError' });
const k = dense(); k.compile({ optimizer: groupedOptimizer('rmsprop', layerDecayGroups(k, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
const l = dense(); l.compile({ optimizer: groupedOptimizer('rmsprop', layerDecayGroups(l, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
const m = dense(); m.compile({ optimizer: groupedOptimizer('rmsprop', layerDecayGroups(m, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
const n = dense(); n.compile({ "optimizer": groupedOptimizer('adam', layerDecayGroups(n, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });

export const models = [a, b, c, d, e, f, g, h, i, j, k, l, m, n];

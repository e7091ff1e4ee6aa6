import * as tf from '@tensorflow/tfjs';

const OPTIMIZER = 'rmsprop';

function dense(): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
}

// Every spelling tfjs-layers accepts, each with its default learning rate.
const a = dense(); a.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const b = dense(); b.compile({ optimizer: 'SGD', loss: 'meanSquaredError' });
const c = dense(); c.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
const d = dense(); d.compile({ optimizer: 'Adam', loss: 'meanSquaredError' });
const e = dense(); e.compile({ optimizer: 'adagrad', loss: 'meanSquaredError' });
const f = dense(); f.compile({ optimizer: 'Adagrad', loss: 'meanSquaredError' });
const g = dense(); g.compile({ optimizer: 'adadelta', loss: 'meanSquaredError' });
const h = dense(); h.compile({ optimizer: 'Adadelta', loss: 'meanSquaredError' });
const i = dense(); i.compile({ optimizer: 'adamax', loss: 'meanSquaredError' });
const j = dense(); j.compile({ optimizer: 'Adamax', loss: 'meanSquaredError' });
const k = dense(); k.compile({ optimizer: 'rmsprop', loss: 'meanSquaredError' });
const l = dense(); l.compile({ optimizer: 'RMSProp', loss: 'meanSquaredError' });
const m = dense(); m.compile({ optimizer: OPTIMIZER, loss: 'meanSquaredError' });
const n = dense(); n.compile({ "optimizer": "adam" as const, loss: 'meanSquaredError' });

export const models = [a, b, c, d, e, f, g, h, i, j, k, l, m, n];

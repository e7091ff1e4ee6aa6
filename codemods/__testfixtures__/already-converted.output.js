import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: tf.train.adam(layerDecayGroups(model, { decay: 0.65 }), 0.001), loss: 'meanSquaredError' });
const groups = [{ params: model, lrScale: 0.5 }];
const other = tf.train.sgd(groups, 0.1);
other.dispose();

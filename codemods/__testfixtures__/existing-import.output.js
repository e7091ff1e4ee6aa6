import * as tf from '@tensorflow/tfjs';
import { install, layerDecayGroups } from 'tfjs-layer-decay';

install(tf);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: tf.train.adamw(layerDecayGroups(model, { decay: 0.75 }), 0.001), loss: 'meanSquaredError' });

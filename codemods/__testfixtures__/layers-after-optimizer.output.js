import * as tf from '@tensorflow/tfjs';

// The optimizer is built while the model has no layers yet: groups built there would be empty.
const model = tf.sequential();
const optimizer = tf.train.adam(0.001);
model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer, loss: 'meanSquaredError' });

// A page script: tfjs comes from a <script> tag as the global `tf`.
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });

const other = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
other.compile({ optimizer: 'adam', loss: 'meanSquaredError' });

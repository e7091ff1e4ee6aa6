// Formatting is kept byte for byte: double quotes, no semicolons, comments, blank lines.
import * as tf from "@tensorflow/tfjs"
import { install, layerDecayGroups } from "tfjs-layer-decay"

install(tf)


const model = tf.sequential()
model.add(tf.layers.dense({units: 1, inputShape: [1]}))  // a trailing comment

/* the optimizer */
const opt = tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), /* lr */ 0.01,   0.9 ,)

model.compile({
  optimizer:opt,   // aligned
  loss: "meanSquaredError",
})

const other = tf.sequential()
other.compile({optimizer: tf.train.sgd(layerDecayGroups(other, { decay: 0.75 }), 0.01), loss: "meanSquaredError"})

const third = tf.sequential()
third.compile({
  optimizer: tf.train.rmsprop(
    layerDecayGroups(third, { decay: 0.75 }),
    // learning rate
    0.001,
    0.9,
  ),
  loss: "meanSquaredError",
})

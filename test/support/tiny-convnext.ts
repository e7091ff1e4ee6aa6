// A tiny ConvNeXt in tfjs-layers with timm's variable names (in tfjs spelling): stem/{conv,norm},
// stages_<s>/downsample/{norm,conv} (stages 1..), stages_<s>/blocks_<b>/{conv_dw,norm,mlp/fc1,mlp/fc2,ls},
// head/{norm,fc}. Channels-last; the 1x1 convolutions are Dense layers over the channels, as in
// ConvNeXt's own Linear layers; `ls` is the layer scale (timm's `gamma`).
import * as tf from '@tensorflow/tfjs';
import { LayerScale, seededInitializers } from './tiny-layers.js';

export interface TinyConvNextConfig {
  imageSize?: number;
  channels?: number;
  /** Blocks per stage. */
  depths?: number[];
  /** Channels per stage. */
  dims?: number[];
  numClasses?: number;
  seed?: number;
}

export const TINY_CONVNEXT_DEFAULTS: Required<TinyConvNextConfig> = {
  imageSize: 32, channels: 3, depths: [1, 1, 4, 1], dims: [4, 8, 8, 8], numClasses: 3, seed: 1,
};

export function buildTinyConvNext(config: TinyConvNextConfig = {}): tf.LayersModel {
  const c = { ...TINY_CONVNEXT_DEFAULTS, ...config };
  const init = seededInitializers(c.seed);
  const norm = (name: string) => tf.layers.layerNormalization({ name, epsilon: 1e-6 });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [c.imageSize, c.imageSize, c.channels], name: 'image' });
  let x = apply(tf.layers.conv2d({ filters: c.dims[0]!, kernelSize: 4, strides: 4, name: 'stem/conv', kernelInitializer: init.kernel() }), input);
  x = apply(norm('stem/norm'), x);
  c.depths.forEach((depth, s) => {
    const stage = `stages_${s}`;
    if (s > 0) {
      x = apply(norm(`${stage}/downsample/norm`), x);
      x = apply(tf.layers.conv2d({ filters: c.dims[s]!, kernelSize: 2, strides: 2, name: `${stage}/downsample/conv`, kernelInitializer: init.kernel() }), x);
    }
    for (let b = 0; b < depth; b++) {
      const block = `${stage}/blocks_${b}`;
      let h = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: `${block}/conv_dw`, depthwiseInitializer: init.kernel() }), x);
      h = apply(norm(`${block}/norm`), h);
      h = apply(tf.layers.dense({ units: 4 * c.dims[s]!, activation: 'gelu', name: `${block}/mlp/fc1`, kernelInitializer: init.kernel() }), h);
      h = apply(tf.layers.dense({ units: c.dims[s]!, name: `${block}/mlp/fc2`, kernelInitializer: init.kernel() }), h);
      h = apply(new LayerScale({ initValue: 0.5, name: `${block}/ls` }), h);
      x = tf.layers.add({ name: `${block}/add` }).apply([x, h]) as tf.SymbolicTensor;
    }
  });
  x = apply(tf.layers.globalAveragePooling2d({ name: 'head/global_pool' }), x);
  x = apply(norm('head/norm'), x);
  const logits = apply(tf.layers.dense({ units: c.numClasses, name: 'head/fc', kernelInitializer: init.kernel() }), x);
  return tf.model({ inputs: input, outputs: logits, name: 'tiny_convnext' });
}

// A tiny Vision Transformer in tfjs-layers with the variable names of a real one (timm / MAE, in
// tfjs spelling): patch_embed/proj/{kernel,bias}, cls_token, pos_embed,
// blocks_<i>/{norm1,attn/qkv,attn/proj,norm2,mlp/fc1,mlp/fc2}/..., norm/{gamma,beta}, head/{kernel,bias}.
// Pre-norm blocks, class-token pooling. Small enough to train a step on the cpu backend in
// milliseconds; the tests and the demo build it from here.
import * as tf from '@tensorflow/tfjs';
import { AttentionCore, ClassToken, PositionEmbedding, TakeToken, seededInitializers } from './tiny-layers.js';

export interface TinyVitConfig {
  imageSize?: number;
  patchSize?: number;
  channels?: number;
  dim?: number;
  /** Number of transformer blocks. */
  depth?: number;
  numHeads?: number;
  mlpRatio?: number;
  numClasses?: number;
  seed?: number;
}

export const TINY_VIT_DEFAULTS: Required<TinyVitConfig> = {
  imageSize: 8, patchSize: 4, channels: 3, dim: 8, depth: 3, numHeads: 2, mlpRatio: 2, numClasses: 3, seed: 1,
};

export function buildTinyVit(config: TinyVitConfig = {}): tf.LayersModel {
  const c = { ...TINY_VIT_DEFAULTS, ...config };
  const init = seededInitializers(c.seed);
  const patches = (c.imageSize / c.patchSize) ** 2;
  const dense = (units: number, name: string, activation?: 'gelu' | 'linear') =>
    tf.layers.dense({ units, name, activation, kernelInitializer: init.kernel() });
  const norm = (name: string) => tf.layers.layerNormalization({ name, epsilon: 1e-6 });

  const input = tf.input({ shape: [c.imageSize, c.imageSize, c.channels], name: 'image' });
  let x = tf.layers.conv2d({
    filters: c.dim, kernelSize: c.patchSize, strides: c.patchSize, name: 'patch_embed/proj', kernelInitializer: init.kernel(),
  }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [patches, c.dim], name: 'patch_embed/flatten' }).apply(x) as tf.SymbolicTensor;
  x = new ClassToken({ dim: c.dim, seed: init.seed(), name: 'cls_token' }).apply(x) as tf.SymbolicTensor;
  x = new PositionEmbedding({ tokens: patches + 1, dim: c.dim, topLevel: true, seed: init.seed(), name: 'pos_embed' }).apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks_${i}`;
    let h = norm(`${b}/norm1`).apply(x) as tf.SymbolicTensor;
    h = dense(3 * c.dim, `${b}/attn/qkv`).apply(h) as tf.SymbolicTensor;
    h = new AttentionCore({ numHeads: c.numHeads, name: `${b}/attn/core` }).apply(h) as tf.SymbolicTensor;
    h = dense(c.dim, `${b}/attn/proj`).apply(h) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `${b}/add_attn` }).apply([x, h]) as tf.SymbolicTensor;
    h = norm(`${b}/norm2`).apply(x) as tf.SymbolicTensor;
    h = dense(c.mlpRatio * c.dim, `${b}/mlp/fc1`, 'gelu').apply(h) as tf.SymbolicTensor;
    h = dense(c.dim, `${b}/mlp/fc2`).apply(h) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `${b}/add_mlp` }).apply([x, h]) as tf.SymbolicTensor;
  }
  x = norm('norm').apply(x) as tf.SymbolicTensor;
  x = new TakeToken({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const logits = dense(c.numClasses, 'head').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'tiny_vit' });
}

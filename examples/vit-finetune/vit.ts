// A small Vision Transformer for 28×28 digits, built from tfjs-layers with the custom layers of
// vit-layers.ts. Its layers are named after timm's VisionTransformer, the tfjs-layers way
// (`blocks_0/attn/qkv/kernel` where timm has `blocks.0.attn.qkv.weight`), so that
// layerDecayGroups(model, {arch: 'vit'}) assigns every weight its depth by name:
//   patch_embed/proj, cls_token, pos_embed  -> layer 0
//   blocks_k/...                            -> layer k + 1
//   norm, head                              -> layer depth + 1 (scale 1)
import * as tf from '@tensorflow/tfjs';
import { Patchify, ClassToken, LayerNorm, ClassTokenPool, MultiHeadSelfAttention, PositionEmbedding } from './vit-layers.js';

export interface VitConfig {
  imageSize: number;
  patchSize: number;
  /** Token width. */
  dim: number;
  /** Transformer blocks. */
  depth: number;
  numHeads: number;
  /** Hidden width of each block's MLP, as a multiple of dim. */
  mlpRatio: number;
  numClasses: number;
  /** Every initializer's seed derives from it, so the same seed gives the same initial weights. */
  seed: number;
}

export const SMALL_VIT: Omit<VitConfig, 'seed'> = {
  imageSize: 28,
  patchSize: 7, // 4 × 4 = 16 patches
  dim: 48,
  depth: 4,
  numHeads: 3,
  mlpRatio: 2,
  numClasses: 5,
};

export function buildVit(config: VitConfig): tf.LayersModel {
  const { imageSize, patchSize, dim, depth, numHeads, mlpRatio, numClasses } = config;
  let nextSeed = config.seed;
  const seed = () => nextSeed++; // a distinct seed per initializer: the same seed twice gives the same values
  const glorot = () => tf.initializers.glorotUniform({ seed: seed() });
  const layerNorm = (name: string) => new LayerNorm({ name, epsilon: 1e-6 });
  const dense = (name: string, units: number, activation?: 'gelu') =>
    tf.layers.dense({ name, units, activation, kernelInitializer: glorot() });

  if (!Number.isInteger(imageSize / patchSize)) throw new Error(`the patch size ${patchSize} does not divide the image size ${imageSize}`);

  const image = tf.input({ shape: [imageSize, imageSize, 1], name: 'image' });
  // timm's PatchEmbed: a linear map of each flattened patch.
  const patches = new Patchify({ name: 'patch_embed/patches', patchSize }).apply(image);
  const tokens = dense('patch_embed/proj', dim).apply(patches);
  const numTokens = (imageSize / patchSize) ** 2 + 1;
  const withClass = new ClassToken({ name: 'cls_token', dim, seed: seed() }).apply(tokens);
  let x = new PositionEmbedding({ name: 'pos_embed', tokens: numTokens, dim, seed: seed() }).apply(withClass) as tf.SymbolicTensor;

  for (let k = 0; k < depth; k++) {
    const block = `blocks_${k}`;
    // Pre-norm residual blocks: x + attn(norm1(x)), then x + mlp(norm2(x)).
    const attended = new MultiHeadSelfAttention({ name: `${block}/attn`, numHeads, seed: seed() })
      .apply(layerNorm(`${block}/norm1`).apply(x));
    x = tf.layers.add({ name: `${block}/add1` }).apply([x, attended as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const hidden = dense(`${block}/mlp/fc1`, dim * mlpRatio, 'gelu').apply(layerNorm(`${block}/norm2`).apply(x));
    const mlp = dense(`${block}/mlp/fc2`, dim).apply(hidden);
    x = tf.layers.add({ name: `${block}/add2` }).apply([x, mlp as tf.SymbolicTensor]) as tf.SymbolicTensor;
  }

  const normed = layerNorm('norm').apply(x);
  const pooled = new ClassTokenPool({ name: 'pool' }).apply(normed);
  const logits = dense('head', numClasses).apply(pooled);
  const probabilities = tf.layers.softmax({ name: 'probabilities' }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: probabilities, name: 'vit' });
}

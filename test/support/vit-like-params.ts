// Plain tf.Variables named like the parameters of a tiny timm/MAE VisionTransformer (global-pool
// fine-tuning variant: fc_norm before the head), so that MAE's grouping rules apply by name.
// Several sets can live in one process: each variable is registered as `${prefix}/${vitName}`.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from './rule-cases.js';

export interface VitLikeParam {
  /** The name as model.named_parameters() gives it in PyTorch, e.g. 'blocks.0.attn.qkv.weight'. */
  vitName: string;
  variable: tf.Variable;
}

/** Shapes of a ViT with `depth` blocks, width `dim`, 4 patches, 3×2×2 patch pixels and 3 classes, in timm's order. */
export function vitLikeShapes(depth: number, dim: number): Array<[string, number[]]> {
  const shapes: Array<[string, number[]]> = [
    ['cls_token', [1, 1, dim]],
    ['pos_embed', [1, 5, dim]],
    ['patch_embed.proj.weight', [dim, 3, 2, 2]],
    ['patch_embed.proj.bias', [dim]],
  ];
  for (let b = 0; b < depth; b++) {
    shapes.push(
      [`blocks.${b}.norm1.weight`, [dim]], [`blocks.${b}.norm1.bias`, [dim]],
      [`blocks.${b}.attn.qkv.weight`, [3 * dim, dim]], [`blocks.${b}.attn.qkv.bias`, [3 * dim]],
      [`blocks.${b}.attn.proj.weight`, [dim, dim]], [`blocks.${b}.attn.proj.bias`, [dim]],
      [`blocks.${b}.norm2.weight`, [dim]], [`blocks.${b}.norm2.bias`, [dim]],
      [`blocks.${b}.mlp.fc1.weight`, [2 * dim, dim]], [`blocks.${b}.mlp.fc1.bias`, [2 * dim]],
      [`blocks.${b}.mlp.fc2.weight`, [dim, 2 * dim]], [`blocks.${b}.mlp.fc2.bias`, [dim]],
    );
  }
  shapes.push(['fc_norm.weight', [dim]], ['fc_norm.bias', [dim]], ['head.weight', [3, dim]], ['head.bias', [3]]);
  return shapes;
}

/**
 * Initial values for the whole parameter list, the same for every prefix (same seed): magnitudes in
 * [0.5, 1.5] with random signs, so relative errors stay meaningful (no value near zero).
 */
export function vitLikeInitialValues(depth: number, dim: number, seed = 11): Float32Array[] {
  const random = seededRandom(seed);
  return vitLikeShapes(depth, dim).map(([, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: size }, () => (random() < 0.5 ? -1 : 1) * (0.5 + random()));
  });
}

export function vitLikeParams(prefix: string, depth = 3, dim = 4, seed = 11): VitLikeParam[] {
  const values = vitLikeInitialValues(depth, dim, seed);
  return vitLikeShapes(depth, dim).map(([vitName, shape], i) => ({
    vitName,
    variable: tf.variable(tf.tensor(values[i]!, shape), true, `${prefix}/${vitName}`),
  }));
}

// The parameter sets of the benchmark: variable shapes and the layer-decay group of each variable.
// Groups follow MAE's layer ids (cls/pos/patch embed -> 0, block k -> k + 1, the rest -> last),
// with the final norm and head merged into the last block's group: 13 groups for 12 blocks.

/** A ViT's variables. `splitQkv`: separate q, k, v projections (Hugging Face style) instead of timm's fused qkv. */
function vit({ dim, depth, mlp, classes, splitQkv }) {
  const vars = [];
  const add = (name, shape, layer) => vars.push({ name, shape, layer });
  add('cls_token', [1, 1, dim], 0);
  add('pos_embed', [1, 197, dim], 0);
  add('patch_embed/kernel', [16, 16, 3, dim], 0);
  add('patch_embed/bias', [dim], 0);
  for (let b = 0; b < depth; b++) {
    const layer = b + 1;
    const p = `blocks.${b}`;
    add(`${p}/norm1/gamma`, [dim], layer);
    add(`${p}/norm1/beta`, [dim], layer);
    if (splitQkv) {
      for (const x of ['q', 'k', 'v']) {
        add(`${p}/attn/${x}/kernel`, [dim, dim], layer);
        add(`${p}/attn/${x}/bias`, [dim], layer);
      }
    } else {
      add(`${p}/attn/qkv/kernel`, [dim, 3 * dim], layer);
      add(`${p}/attn/qkv/bias`, [3 * dim], layer);
    }
    add(`${p}/attn/proj/kernel`, [dim, dim], layer);
    add(`${p}/attn/proj/bias`, [dim], layer);
    add(`${p}/norm2/gamma`, [dim], layer);
    add(`${p}/norm2/beta`, [dim], layer);
    add(`${p}/mlp/fc1/kernel`, [dim, mlp], layer);
    add(`${p}/mlp/fc1/bias`, [mlp], layer);
    add(`${p}/mlp/fc2/kernel`, [mlp, dim], layer);
    add(`${p}/mlp/fc2/bias`, [dim], layer);
  }
  add('norm/gamma', [dim], depth);
  add('norm/beta', [dim], depth);
  add('head/kernel', [dim, classes], depth);
  add('head/bias', [classes], depth);
  return vars.map((v) => ({ ...v, group: Math.min(v.layer, depth) }));
}

/** Many small variables (norm scales, biases of a deep narrow net): per-variable overhead dominates. */
function tiny(count, groups) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  return Array.from({ length: count }, (_, i) => ({
    name: `tiny/${i}`,
    shape: [10 + Math.floor(random() * 91)],
    group: Math.floor((i * groups) / count),
  }));
}

export const PARAM_SETS = {
  'vit-ti': () => vit({ dim: 192, depth: 12, mlp: 768, classes: 1000, splitQkv: true }),
  'vit-b': () => vit({ dim: 768, depth: 12, mlp: 3072, classes: 1000, splitQkv: false }),
  'tiny-2000': () => tiny(2000, 13),
};

export const GROUP_COUNT = 13;
/** Layer decay 0.75: group i gets 0.75^(12 - i). */
export const lrScaleOf = (group) => 0.75 ** (GROUP_COUNT - 1 - group);
export const paramCount = (vars) => vars.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);

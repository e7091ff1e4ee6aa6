// Custom tfjs-layers layers that the tiny ViT / BERT / ConvNeXt builders need and tfjs-layers lacks:
// a class token, a learned position embedding, the softmax attention core (no weights), taking one
// token, and ConvNeXt's layer scale. Registered for serialization so that a saved model loads back.
import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
const single = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0]! : inputs);

/**
 * Prepends a learned token to a sequence [batch, tokens, dim]. The weight is created in the
 * constructor, outside any name scope, and named as the layer (`cls_token`), so that it is a
 * top-level parameter as in a PyTorch ViT. (Named after the layer rather than by a config string:
 * tfjs camel-cases config strings on load, but not the layer name.)
 */
export class ClassToken extends tf.layers.Layer {
  static className = 'TinyClassToken';
  readonly dim: number;
  readonly seed: number | undefined;
  private readonly token: tf.LayerVariable;
  constructor(config: { dim: number; seed?: number; name?: string }) {
    super({ name: config.name ?? 'cls_token' });
    this.dim = config.dim;
    this.seed = config.seed;
    this.token = this.addWeight(this.name, [1, 1, this.dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [s[0]!, s[1] === null ? null : s[1]! + 1, s[2]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return tf.concat([tf.tile(this.token.read(), [x.shape[0]!, 1, 1]), x], 1);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), dim: this.dim, seed: this.seed ?? null };
  }
}

/**
 * Adds a learned position embedding [1, tokens, dim]. With `topLevel` the weight is created in the
 * constructor and named as the layer (a ViT's top-level `pos_embed`, see ClassToken); without, in
 * build, named `<layer name>/embeddings` as a Keras / Hugging Face position-embedding table.
 */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'TinyPositionEmbedding';
  readonly tokens: number;
  readonly dim: number;
  readonly topLevel: boolean;
  readonly seed: number | undefined;
  private table: tf.LayerVariable | null = null;
  constructor(config: { tokens: number; dim: number; topLevel?: boolean; seed?: number; name?: string }) {
    super({ name: config.name });
    this.tokens = config.tokens;
    this.dim = config.dim;
    this.topLevel = config.topLevel ?? false;
    this.seed = config.seed;
    if (this.topLevel) this.table = this.makeTable(this.name);
  }
  private makeTable(name: string) {
    return this.addWeight(name, [1, this.tokens, this.dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
  }
  override build(_shape: tf.Shape | tf.Shape[]) {
    if (!this.table) this.table = this.makeTable('embeddings');
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(single(inputs), this.table!.read()));
  }
  override getConfig() {
    return { ...super.getConfig(), tokens: this.tokens, dim: this.dim, topLevel: this.topLevel, seed: this.seed ?? null };
  }
}

/**
 * Multi-head scaled dot-product attention without weights: from one fused qkv tensor
 * [batch, tokens, 3·dim] (a ViT's `attn.qkv`) or from [q, k, v] (BERT's query / key / value).
 */
export class AttentionCore extends tf.layers.Layer {
  static className = 'TinyAttentionCore';
  readonly numHeads: number;
  constructor(config: { numHeads: number; name?: string }) {
    super({ name: config.name });
    this.numHeads = config.numHeads;
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = (Array.isArray(shape[0]) ? shape : [shape]) as tf.Shape[];
    if (shapes.length === 3) return shapes[0]!;
    const s = shapes[0]!;
    return [s[0]!, s[1]!, s[2]! / 3];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const [q, k, v] = list.length === 3 ? list : tf.split(list[0]!, 3, -1);
      const [batch, tokens, dim] = q!.shape as [number, number, number];
      const headDim = dim / this.numHeads;
      const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, tokens, this.numHeads, headDim]), [0, 2, 1, 3]);
      const weights = tf.softmax(tf.mul(tf.matMul(heads(q!), heads(k!), false, true), 1 / Math.sqrt(headDim)));
      return tf.reshape(tf.transpose(tf.matMul(weights, heads(v!)), [0, 2, 1, 3]), [batch, tokens, dim]);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}

/** [batch, tokens, dim] -> [batch, dim]: one token (the class token, 0, by default). */
export class TakeToken extends tf.layers.Layer {
  static className = 'TinyTakeToken';
  readonly index: number;
  constructor(config: { index?: number; name?: string }) {
    super({ name: config.name });
    this.index = config.index ?? 0;
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [s[0]!, s[2]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return tf.reshape(tf.slice(x, [0, this.index, 0], [-1, 1, -1]), [x.shape[0]!, x.shape[2]!]);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), index: this.index };
  }
}

/** ConvNeXt's layer scale: x · gamma, gamma a learned vector over the channels (named `<layer>/gamma`). */
export class LayerScale extends tf.layers.Layer {
  static className = 'TinyLayerScale';
  readonly initValue: number;
  private gamma: tf.LayerVariable | null = null;
  constructor(config: { initValue?: number; name?: string }) {
    super({ name: config.name });
    this.initValue = config.initValue ?? 1e-6;
  }
  override build(shape: tf.Shape | tf.Shape[]) {
    const s = shape as tf.Shape;
    this.gamma = this.addWeight('gamma', [s[s.length - 1]!], 'float32', tf.initializers.constant({ value: this.initValue }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.gamma!.read()));
  }
  override getConfig() {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

for (const cls of [ClassToken, PositionEmbedding, AttentionCore, TakeToken, LayerScale]) tf.serialization.registerClass(cls);

/** Initializers with distinct, reproducible seeds: one counter per model. */
export function seededInitializers(seed: number) {
  let next = seed;
  return {
    kernel: () => tf.initializers.glorotUniform({ seed: next++ }),
    seed: () => next++,
  };
}

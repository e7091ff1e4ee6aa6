// The ViT pieces tfjs-layers lacks, as custom layers. Each holds its own weights through addWeight,
// so the variables are named `<layer name>/<weight name>` like every tfjs-layers weight (except
// `cls_token` and `pos_embed`, see ClassToken), and each is registered (static className +
// registerClass) so that model.save / tf.loadLayersModel round-trips (checked: same predictions).
import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
const only = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

/**
 * Cuts each image into non-overlapping square patches, each flattened row by row:
 * [B, H, W, 1] -> [B, (H/p)·(W/p), p·p]. No weights: a Dense layer after it is timm's PatchEmbed
 * projection (a convolution with kernel = stride = p is the same linear map, but the wasm backend has
 * no gradient kernel for convolution filters).
 */
export class Patchify extends tf.layers.Layer {
  static className = 'Patchify';
  readonly patchSize: number;

  constructor(args: tf.serialization.ConfigDict & { name?: string; patchSize: number }) {
    super(args);
    this.patchSize = args.patchSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as tf.Shape;
    const p = this.patchSize;
    return [batch!, ((height as number) / p) * ((width as number) / p), p * p];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = only(inputs);
      const [batch, height, width] = x.shape as [number, number, number, number];
      const p = this.patchSize;
      const rows = height / p;
      const cols = width / p;
      // [B·rows, p, cols, p] -> [B·rows, cols, p, p]: rank-4 transposes only, which every backend has.
      return x.reshape([batch * rows, p, cols, p]).transpose([0, 2, 1, 3]).reshape([batch, rows * cols, p * p]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize };
  }
}

/**
 * timm's `cls_token` and `pos_embed` are parameters of the model itself, not of a submodule, so their
 * names are exactly that; layer-decay rules (MAE's no-weight-decay list among them) match them by
 * name. tfjs-layers names a weight `<layer>/<weight>` when the layer creates it in build(), inside
 * the layer's name scope; these layers create theirs in the constructor, outside it, so the
 * variable is named `cls_token` (or `cls_token_1` in a second model, a suffix the rules ignore).
 */
type ModelParameterArgs = tf.serialization.ConfigDict & { name?: string; dim: number; seed: number };

/** Prepends a learned class token to the patch tokens: [B, N, D] -> [B, N + 1, D]. Variable `cls_token`. */
export class ClassToken extends tf.layers.Layer {
  static className = 'ClassToken';
  private readonly token: tf.LayerVariable;
  private readonly config: ModelParameterArgs;

  constructor(args: ModelParameterArgs) {
    super(args);
    this.config = { dim: args.dim, seed: args.seed };
    // ViT (timm) initializes the class token and the position embedding with a truncated normal of std 0.02.
    this.token = this.addWeight('cls_token', [1, 1, args.dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: args.seed }));
  }

  override build(): void {
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, tokens, dim] = inputShape as tf.Shape;
    return [batch!, (tokens as number) + 1, dim!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = only(inputs);
      // Broadcast, not tile: tile's gradient is one slice and one add per copy.
      const token = tf.add(tf.zeros([x.shape[0]!, 1, x.shape[2]!]), this.token.read());
      return tf.concat([token, x], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

/** Adds a learned position embedding to every token: [B, N, D] -> [B, N, D]. Variable `pos_embed`. */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  private readonly embedding: tf.LayerVariable;
  private readonly config: ModelParameterArgs & { tokens: number };

  constructor(args: ModelParameterArgs & { tokens: number }) {
    super(args);
    this.config = { dim: args.dim, tokens: args.tokens, seed: args.seed };
    this.embedding = this.addWeight('pos_embed', [1, args.tokens, args.dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: args.seed }));
  }

  override build(): void {
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(only(inputs), this.embedding.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

/**
 * Multi-head self-attention as in timm's Attention: one `qkv` projection, scaled dot-product
 * attention per head, one output projection `proj`. Weights `<name>/qkv/kernel`, `<name>/qkv/bias`,
 * `<name>/proj/kernel`, `<name>/proj/bias` (timm: `attn.qkv.weight`, ...).
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  private readonly seed: number;
  private qkvKernel!: tf.LayerVariable;
  private qkvBias!: tf.LayerVariable;
  private projKernel!: tf.LayerVariable;
  private projBias!: tf.LayerVariable;

  constructor(args: tf.serialization.ConfigDict & { name?: string; numHeads: number; seed: number }) {
    super(args);
    this.numHeads = args.numHeads;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const dim = (inputShape as tf.Shape)[2] as number;
    if (dim % this.numHeads !== 0) throw new Error(`MultiHeadSelfAttention: width ${dim} is not divisible by ${this.numHeads} heads`);
    const glorot = (offset: number) => tf.initializers.glorotUniform({ seed: this.seed + offset });
    this.qkvKernel = this.addWeight('qkv/kernel', [dim, 3 * dim], 'float32', glorot(0));
    this.qkvBias = this.addWeight('qkv/bias', [3 * dim], 'float32', tf.initializers.zeros());
    this.projKernel = this.addWeight('proj/kernel', [dim, dim], 'float32', glorot(1));
    this.projBias = this.addWeight('proj/bias', [dim], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = only(inputs);
      const [batch, tokens, dim] = x.shape as [number, number, number];
      const heads = this.numHeads;
      const headDim = dim / heads;
      const flat = x.reshape([batch * tokens, dim]);
      // One projection per part through a slice of the qkv weights: slicing the small weights is
      // cheaper than splitting the big activations (tfjs-backend-cpu's split is slow).
      const kernel = this.qkvKernel.read();
      const bias = this.qkvBias.read();
      const project = (part: number) =>
        tf.add(tf.matMul(flat, kernel.slice([0, part * dim], [dim, dim])), bias.slice([part * dim], [dim]));
      // [B*N, D] -> [B*H, N, D/H]: batched 3-D matmuls are what every backend has.
      const toHeads = (t: tf.Tensor) => t.reshape([batch, tokens, heads, headDim]).transpose([0, 2, 1, 3]).reshape([batch * heads, tokens, headDim]) as tf.Tensor3D;
      const [q, k, v] = [0, 1, 2].map((part) => toHeads(project(part))) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
      const attended = tf.matMul(tf.softmax(scores), v); // [B*H, N, D/H]
      const merged = attended.reshape([batch, heads, tokens, headDim]).transpose([0, 2, 1, 3]).reshape([batch * tokens, dim]);
      const out = tf.add(tf.matMul(merged, this.projKernel.read()), this.projBias.read());
      return out.reshape([batch, tokens, dim]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, seed: this.seed };
  }
}

/**
 * Layer normalization over the last axis, with weights `<name>/gamma` and `<name>/beta` like
 * tf.layers.layerNormalization. That layer tiles gamma and beta to the input's shape, and the
 * gradient of tile is one slice and one add per copy: about 2000 kernels per norm and step here,
 * which made a training step 20× slower (batch 64 on wasm: 33 s instead of 1.6 s). This one broadcasts.
 */
export class LayerNorm extends tf.layers.Layer {
  static className = 'LayerNorm';
  readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  constructor(args: tf.serialization.ConfigDict & { name?: string; epsilon?: number }) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-6;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const dim = shape[shape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [dim], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [dim], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = only(inputs);
      const axis = x.rank - 1;
      const { mean, variance } = tf.moments(x, axis, true);
      const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalized, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/** The class token's output, the ViT's image representation: [B, N, D] -> [B, D]. No weights. */
export class ClassTokenPool extends tf.layers.Layer {
  static className = 'ClassTokenPool';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0]!, shape[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = only(inputs);
      return x.slice([0, 0, 0], [-1, 1, -1]).reshape([x.shape[0]!, x.shape[2]!]);
    });
  }
}

for (const layer of [Patchify, ClassToken, PositionEmbedding, MultiHeadSelfAttention, LayerNorm, ClassTokenPool]) {
  tf.serialization.registerClass(layer);
}

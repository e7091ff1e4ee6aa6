// A tiny BERT in tfjs-layers with the variable names of a real one (Hugging Face / TF BERT, in tfjs
// spelling): embeddings/{word_embeddings,position_embeddings}/embeddings, embeddings/LayerNorm/...,
// encoder/layer_<i>/attention/self/{query,key,value}/..., encoder/layer_<i>/attention/output/{dense,LayerNorm}/...,
// encoder/layer_<i>/intermediate/dense/..., encoder/layer_<i>/output/{dense,LayerNorm}/...,
// pooler/dense/..., classifier/... Post-norm blocks as in BERT; input: token ids [maxLength].
import * as tf from '@tensorflow/tfjs';
import { AttentionCore, PositionEmbedding, TakeToken, seededInitializers } from './tiny-layers.js';

export interface TinyBertConfig {
  vocabSize?: number;
  maxLength?: number;
  dim?: number;
  /** Number of encoder layers. */
  depth?: number;
  numHeads?: number;
  intermediate?: number;
  numClasses?: number;
  seed?: number;
}

export const TINY_BERT_DEFAULTS: Required<TinyBertConfig> = {
  vocabSize: 20, maxLength: 6, dim: 8, depth: 2, numHeads: 2, intermediate: 16, numClasses: 2, seed: 1,
};

export function buildTinyBert(config: TinyBertConfig = {}): tf.LayersModel {
  const c = { ...TINY_BERT_DEFAULTS, ...config };
  const init = seededInitializers(c.seed);
  const dense = (units: number, name: string, activation?: 'gelu' | 'tanh') =>
    tf.layers.dense({ units, name, activation, kernelInitializer: init.kernel() });
  const norm = (name: string) => tf.layers.layerNormalization({ name, epsilon: 1e-12 });

  const ids = tf.input({ shape: [c.maxLength], dtype: 'int32', name: 'input_ids' });
  let x = tf.layers.embedding({
    inputDim: c.vocabSize, outputDim: c.dim, name: 'embeddings/word_embeddings', embeddingsInitializer: tf.initializers.truncatedNormal({ stddev: 0.02, seed: init.seed() }),
  }).apply(ids) as tf.SymbolicTensor;
  x = new PositionEmbedding({ tokens: c.maxLength, dim: c.dim, seed: init.seed(), name: 'embeddings/position_embeddings' }).apply(x) as tf.SymbolicTensor;
  x = norm('embeddings/LayerNorm').apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) {
    const l = `encoder/layer_${i}`;
    const [q, k, v] = ['query', 'key', 'value'].map((n) => dense(c.dim, `${l}/attention/self/${n}`).apply(x) as tf.SymbolicTensor);
    let h = new AttentionCore({ numHeads: c.numHeads, name: `${l}/attention/self/core` }).apply([q!, k!, v!]) as tf.SymbolicTensor;
    h = dense(c.dim, `${l}/attention/output/dense`).apply(h) as tf.SymbolicTensor;
    h = tf.layers.add({ name: `${l}/attention/output/add` }).apply([x, h]) as tf.SymbolicTensor;
    x = norm(`${l}/attention/output/LayerNorm`).apply(h) as tf.SymbolicTensor;
    h = dense(c.intermediate, `${l}/intermediate/dense`, 'gelu').apply(x) as tf.SymbolicTensor;
    h = dense(c.dim, `${l}/output/dense`).apply(h) as tf.SymbolicTensor;
    h = tf.layers.add({ name: `${l}/output/add` }).apply([x, h]) as tf.SymbolicTensor;
    x = norm(`${l}/output/LayerNorm`).apply(h) as tf.SymbolicTensor;
  }
  let pooled = new TakeToken({ name: 'pooler/first_token' }).apply(x) as tf.SymbolicTensor;
  pooled = dense(c.dim, 'pooler/dense', 'tanh').apply(pooled) as tf.SymbolicTensor;
  const logits = dense(c.numClasses, 'classifier').apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: logits, name: 'tiny_bert' });
}

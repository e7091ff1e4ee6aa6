// A small MobileNet v1 for 28×28 digits, layer for layer as Keras applications' mobilenet.py builds
// one (`conv1` + `conv1_bn`, then depthwise-separable blocks `conv_dw_N` / `conv_pw_N` with their
// `_bn` and `_relu`, then the top: pooling, `conv_preds`, softmax), only narrower and with 5 blocks.
// The names are what layerDecayGroups' MobileNet v1 table reads (arch 'auto' finds it):
//   conv1, conv1_bn -> layer 0;  conv_dw_N*, conv_pw_N* -> layer N;  the head -> the top.
import * as tf from '@tensorflow/tfjs';

export interface MobileNetConfig {
  imageSize: number;
  /** Output channels of conv1. */
  stemFilters: number;
  /** One depthwise-separable block per entry: its pointwise filters and the depthwise stride. */
  blocks: ReadonlyArray<{ filters: number; stride: 1 | 2 }>;
  numClasses: number;
  seed: number;
}

export const SMALL_MOBILENET: Omit<MobileNetConfig, 'seed'> = {
  imageSize: 28,
  stemFilters: 8,
  blocks: [
    { filters: 16, stride: 2 },
    { filters: 16, stride: 1 },
    { filters: 32, stride: 2 },
    { filters: 32, stride: 1 },
    { filters: 64, stride: 1 },
  ],
  numClasses: 5,
};

/** The last layer of the backbone: where the tfjs transfer-learning examples cut MobileNet (`conv_pw_13_relu` there). */
export const lastBlockOutput = (config: Pick<MobileNetConfig, 'blocks'>) => `conv_pw_${config.blocks.length}_relu`;

export function buildMobileNet(config: MobileNetConfig): tf.LayersModel {
  let nextSeed = config.seed;
  const init = () => tf.initializers.heNormal({ seed: nextSeed++ });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
  const bnRelu = (x: tf.SymbolicTensor, name: string) =>
    // momentum 0.9, not Keras' 0.99: the moving statistics must settle within a few hundred steps.
    apply(tf.layers.reLU({ maxValue: 6, name: `${name}_relu` }), apply(tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn` }), x));

  const image = tf.input({ shape: [config.imageSize, config.imageSize, 1], name: 'image' });
  let x = apply(tf.layers.conv2d({ filters: config.stemFilters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(), name: 'conv1' }), image);
  x = bnRelu(x, 'conv1');
  config.blocks.forEach(({ filters, stride }, i) => {
    const id = i + 1;
    // Keras pads a stride-2 block with a ZeroPadding2D `conv_pad_N` and a 'valid' convolution; 'same'
    // padding gives the same output size without the extra layer (and its slow gradient on cpu).
    x = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init(), name: `conv_dw_${id}` }), x);
    x = bnRelu(x, `conv_dw_${id}`);
    // The pointwise (1×1) convolution as a Dense layer over the channels, the same map: tfjs' cpu
    // backend trains a matMul about 10× faster than its Conv2DBackpropFilter loop.
    x = apply(tf.layers.dense({ units: filters, useBias: false, kernelInitializer: init(), name: `conv_pw_${id}` }), x);
    x = bnRelu(x, `conv_pw_${id}`);
  });
  const channels = config.blocks.at(-1)!.filters;
  x = apply(tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }), x);
  x = apply(tf.layers.reshape({ targetShape: [1, 1, channels], name: 'reshape_1' }), x);
  x = apply(tf.layers.conv2d({ filters: config.numClasses, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed++ }), name: 'conv_preds' }), x);
  x = apply(tf.layers.reshape({ targetShape: [config.numClasses], name: 'reshape_2' }), x);
  x = apply(tf.layers.activation({ activation: 'softmax', name: 'predictions' }), x);
  return tf.model({ inputs: image, outputs: x, name: 'mobilenet' });
}

/**
 * The tfjs transfer-learning shape: the backbone cut after its last block, wrapped in a new model
 * with a new head (pooling and a fresh Dense layer). The backbone's layers are shared with
 * `pretrained`, so that model still reads them through the old head after fine-tuning.
 */
export function withNewHead(pretrained: tf.LayersModel, config: Pick<MobileNetConfig, 'blocks' | 'numClasses'>, seed: number): tf.Sequential {
  const cut = pretrained.getLayer(lastBlockOutput(config)).output as tf.SymbolicTensor;
  const backbone = tf.model({ inputs: pretrained.inputs, outputs: cut, name: 'backbone' });
  return tf.sequential({
    name: 'finetuned',
    layers: [
      backbone,
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ units: config.numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'head' }),
    ],
  });
}

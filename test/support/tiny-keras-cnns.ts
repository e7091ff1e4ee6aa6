// Tiny CNNs in tfjs-layers under Keras applications' layer names (keras/src/applications/
// mobilenet.py, mobilenet_v2.py, resnet.py, efficientnet.py), few channels and blocks so that they
// build in milliseconds: the names are what the layer-decay tables read, the widths do not matter
// (no pre-trained weights can be downloaded here). Each builder follows the Keras function layer by
// layer, weightless layers (padding, activations, adds) included, so that graph depths are those of
// the real network. `top: false` leaves the classifier out, as include_top=False does.
import * as tf from '@tensorflow/tfjs';

type T = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: T | T[]) => layer.apply(x) as T;
const relu6 = (name: string) => tf.layers.reLU({ maxValue: 6, name });
const bn = (name: string) => tf.layers.batchNormalization({ name });
interface ConvExtra { strides?: number; useBias?: boolean; padding?: 'same' | 'valid'; activation?: 'sigmoid' | 'swish' }
const conv = (filters: number, kernelSize: number, name: string, extra: ConvExtra = {}) =>
  tf.layers.conv2d({ filters, kernelSize, padding: 'same', useBias: false, name, ...extra, kernelInitializer: 'glorotUniform' });
const depthwise = (name: string, strides = 1) =>
  tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: strides === 1 ? 'same' : 'valid', useBias: false, name });
const pad = (name: string) => tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name });

function head(x: T, classes: number): T {
  x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return apply(tf.layers.dense({ units: classes, activation: 'softmax', name: 'predictions' }), x);
}

export interface TinyCnnOptions { imageSize?: number; classes?: number; top?: boolean }

/** MobileNet v1: `conv1`, then depthwise-separable blocks `conv_dw_N` + `conv_pw_N` (N = 1..), one per entry of `strides`. */
export function tinyMobileNetV1(strides: number[] = [1, 2, 1, 2], o: TinyCnnOptions = {}): tf.LayersModel {
  const input = tf.input({ shape: [o.imageSize ?? 16, o.imageSize ?? 16, 3], name: 'input_1' });
  let x = apply(conv(4, 3, 'conv1', { strides: 2 }), input);
  x = apply(relu6('conv1_relu'), apply(bn('conv1_bn'), x));
  strides.forEach((s, i) => {
    const id = i + 1;
    if (s !== 1) x = apply(pad(`conv_pad_${id}`), x);
    x = apply(relu6(`conv_dw_${id}_relu`), apply(bn(`conv_dw_${id}_bn`), apply(depthwise(`conv_dw_${id}`, s), x)));
    x = apply(relu6(`conv_pw_${id}_relu`), apply(bn(`conv_pw_${id}_bn`), apply(conv(4 * (1 + (i >> 1)), 1, `conv_pw_${id}`), x)));
  });
  if (o.top !== false) {
    const channels = x.shape[3]!;
    x = apply(tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }), x);
    x = apply(tf.layers.reshape({ targetShape: [1, 1, channels], name: 'reshape_1' }), x);
    x = apply(tf.layers.dropout({ rate: 0.001, name: 'dropout' }), x);
    x = apply(conv(o.classes ?? 3, 1, 'conv_preds', { useBias: true }), x);
    x = apply(tf.layers.reshape({ targetShape: [o.classes ?? 3], name: 'reshape_2' }), x);
    x = apply(tf.layers.activation({ activation: 'softmax', name: 'predictions' }), x);
  }
  return tf.model({ inputs: input, outputs: x, name: 'mobilenet_tiny' });
}

/** MobileNet v2: `Conv1`, block 0 `expanded_conv_*`, blocks `block_N_*` (N = 1..), one per entry of `strides` after the first; `Conv_1`. */
export function tinyMobileNetV2(strides: number[] = [1, 2, 1, 1], o: TinyCnnOptions = {}): tf.LayersModel {
  const input = tf.input({ shape: [o.imageSize ?? 16, o.imageSize ?? 16, 3], name: 'input_1' });
  let x = apply(conv(4, 3, 'Conv1', { strides: 2 }), input);
  x = apply(relu6('Conv1_relu'), apply(bn('bn_Conv1'), x));
  strides.forEach((s, id) => {
    const inChannels = x.shape[3]!;
    const outChannels = id === 0 ? 4 : 8;
    const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
    const blockInput = x;
    if (id > 0) x = apply(relu6(`${prefix}expand_relu`), apply(bn(`${prefix}expand_BN`), apply(conv(2 * inChannels, 1, `${prefix}expand`), x)));
    if (s !== 1) x = apply(pad(`${prefix}pad`), x);
    x = apply(relu6(`${prefix}depthwise_relu`), apply(bn(`${prefix}depthwise_BN`), apply(depthwise(`${prefix}depthwise`, s), x)));
    x = apply(bn(`${prefix}project_BN`), apply(conv(outChannels, 1, `${prefix}project`), x));
    if (inChannels === outChannels && s === 1) x = apply(tf.layers.add({ name: `${prefix}add` }), [blockInput, x]);
  });
  x = apply(relu6('out_relu'), apply(bn('Conv_1_bn'), apply(conv(16, 1, 'Conv_1'), x)));
  if (o.top !== false) x = head(x, o.classes ?? 3);
  return tf.model({ inputs: input, outputs: x, name: 'mobilenetv2_tiny' });
}

/**
 * ResNet v1 (`v2: false`): `conv1_conv`, stages `convS_blockB_*` (S = 2.., B = 1..) with `depths[S - 2]`
 * bottleneck blocks, a `_0_conv` shortcut in each stage's first block. v2: pre-activation blocks
 * (`convS_blockB_preact_bn`) and `post_bn` after the last one.
 */
export function tinyResNet(depths: number[] = [2, 1, 2], o: TinyCnnOptions & { v2?: boolean } = {}): tf.LayersModel {
  const input = tf.input({ shape: [o.imageSize ?? 16, o.imageSize ?? 16, 3], name: 'input_1' });
  let x = apply(tf.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }), input);
  x = apply(conv(4, 7, 'conv1_conv', { strides: 2, useBias: true, padding: 'valid' }), x);
  if (!o.v2) x = apply(tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }), apply(bn('conv1_bn'), x));
  x = apply(tf.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }), x);
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  depths.forEach((blocks, s) => {
    for (let b = 1; b <= blocks; b++) {
      const name = `conv${s + 2}_block${b}`;
      const filters = 2 * (s + 1);
      let y = x;
      if (o.v2) y = apply(tf.layers.activation({ activation: 'relu', name: `${name}_preact_relu` }), apply(bn(`${name}_preact_bn`), x));
      let shortcut = x;
      if (b === 1) {
        shortcut = apply(conv(4 * filters, 1, `${name}_0_conv`, { useBias: true }), y);
        if (!o.v2) shortcut = apply(bn(`${name}_0_bn`), shortcut);
      }
      y = apply(tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }), apply(bn(`${name}_1_bn`), apply(conv(filters, 1, `${name}_1_conv`, { useBias: !o.v2 }), y)));
      y = apply(tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }), apply(bn(`${name}_2_bn`), apply(conv(filters, 3, `${name}_2_conv`, { useBias: !o.v2 }), y)));
      y = apply(conv(4 * filters, 1, `${name}_3_conv`, { useBias: true }), y);
      if (!o.v2) y = apply(bn(`${name}_3_bn`), y);
      x = apply(tf.layers.add({ name: `${name}_add` }), [shortcut, y]);
      if (!o.v2) x = apply(tf.layers.activation({ activation: 'relu', name: `${name}_out` }), x);
    }
  });
  if (o.v2) x = apply(tf.layers.activation({ activation: 'relu', name: 'post_relu' }), apply(bn('post_bn'), x));
  if (o.top !== false) x = head(x, o.classes ?? 3);
  return tf.model({ inputs: input, outputs: x, name: o.v2 ? 'resnet_v2_tiny' : 'resnet_tiny' });
}

/**
 * EfficientNet: `stem_conv`, stages N = 1.. of `repeats[N - 1]` MBConv blocks `block{N}{a,b,...}_*`
 * (expansion from stage 2 on, squeeze-and-excitation in every block), `top_conv`.
 */
export function tinyEfficientNet(repeats: number[] = [1, 2, 1], o: TinyCnnOptions = {}): tf.LayersModel {
  const input = tf.input({ shape: [o.imageSize ?? 16, o.imageSize ?? 16, 3], name: 'input_1' });
  let x = apply(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'stem_conv_pad' }), input);
  x = apply(conv(4, 3, 'stem_conv', { strides: 2, padding: 'valid' }), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: 'stem_activation' }), apply(bn('stem_bn'), x));
  repeats.forEach((count, i) => {
    for (let j = 0; j < count; j++) {
      const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      const inChannels = x.shape[3]!;
      const outChannels = 4 + 2 * i;
      const strides = j === 0 && i > 0 ? 2 : 1;
      const blockInput = x;
      let y = x;
      if (i > 0) y = apply(tf.layers.activation({ activation: 'swish', name: `${name}expand_activation` }), apply(bn(`${name}expand_bn`), apply(conv(2 * inChannels, 1, `${name}expand_conv`), y)));
      const filters = y.shape[3]!;
      if (strides === 2) y = apply(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `${name}dwconv_pad` }), y);
      y = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: strides === 2 ? 'valid' : 'same', useBias: false, name: `${name}dwconv` }), y);
      y = apply(tf.layers.activation({ activation: 'swish', name: `${name}activation` }), apply(bn(`${name}bn`), y));
      let se = apply(tf.layers.globalAveragePooling2d({ name: `${name}se_squeeze` }), y);
      se = apply(tf.layers.reshape({ targetShape: [1, 1, filters], name: `${name}se_reshape` }), se);
      se = apply(conv(Math.max(1, inChannels >> 2), 1, `${name}se_reduce`, { useBias: true, activation: 'swish' }), se);
      se = apply(conv(filters, 1, `${name}se_expand`, { useBias: true, activation: 'sigmoid' }), se);
      y = apply(tf.layers.multiply({ name: `${name}se_excite` }), [y, se]);
      y = apply(bn(`${name}project_bn`), apply(conv(outChannels, 1, `${name}project_conv`), y));
      if (strides === 1 && inChannels === outChannels) y = apply(tf.layers.add({ name: `${name}add` }), [y, blockInput]);
      x = y;
    }
  });
  x = apply(tf.layers.activation({ activation: 'swish', name: 'top_activation' }), apply(bn('top_bn'), apply(conv(16, 1, 'top_conv'), x)));
  if (o.top !== false) x = head(x, o.classes ?? 3);
  return tf.model({ inputs: input, outputs: x, name: 'efficientnet_tiny' });
}

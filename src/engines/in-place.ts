// Fused engines write into a variable's memory. tfjs shares one data id between tensors
// (`tf.variable(t)`, `clone`, `reshape`), so a shared buffer is first replaced by a private copy:
// writing through it would silently change the other tensors too.
import * as tfc from '@tensorflow/tfjs-core';

export function ensureOwnData(v: tfc.Variable, readValues: () => Float32Array) {
  if (tfc.backend().refCount(v.dataId) <= 1) return;
  const copy = tfc.tensor(readValues().slice(), v.shape, 'float32');
  v.assign(copy);
  copy.dispose();
}

// layerScales is OneFlow's list: [decay ** (num_layers - i) for i in range(num_layers + 1)].
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layerScales } from '../src/layer-decay/index.js';

test("OneFlow's example: ViT-B (12 blocks, numLayers 13), decay 0.75", () => {
  const scales = layerScales(13, 0.75);
  assert.is(scales.length, 14);
  // OneFlow's list comprehension, in float64 like Python's.
  const seed: number[] = [];
  for (let i = 0; i < 13 + 1; i++) seed.push(Math.pow(0.75, 13 - i));
  assert.equal(scales, seed);
  assert.is(scales[13], 1);
  assert.is(scales[12], 0.75);
  assert.is(scales[0], 0.023757264018058777); // 0.75 ** 13, as Python prints it
});

test('several (numLayers, decay): values written out', () => {
  assert.equal(layerScales(4, 0.75), [0.31640625, 0.421875, 0.5625, 0.75, 1]);
  assert.equal(layerScales(3, 0.5), [0.125, 0.25, 0.5, 1]);
  assert.equal(layerScales(2, 0.65), [0.42250000000000004, 0.65, 1]);
  assert.equal(layerScales(1, 0.9), [0.9, 1]);
  assert.equal(layerScales(0, 0.9), [1]);
  assert.equal(layerScales(5, 1), [1, 1, 1, 1, 1, 1]);
});

test('the last scale is 1 and each is decay times the next, for a grid of settings', () => {
  for (const n of [1, 2, 5, 13, 25]) {
    for (const d of [0.1, 0.5, 0.65, 0.75, 0.9, 0.999]) {
      const s = layerScales(n, d);
      assert.is(s.length, n + 1);
      assert.is(s[n], 1);
      for (let i = 0; i <= n; i++) assert.is(s[i], d ** (n - i), `n=${n} d=${d} i=${i}`);
    }
  }
});

test('bad decay or numLayers: errors that name the parameter', () => {
  for (const d of [0, -0.5, 1.5, NaN, Infinity]) {
    assert.throws(() => layerScales(4, d), /decay must be a number in \(0, 1\]/);
  }
  assert.throws(() => layerScales(4, '0.75' as unknown as number), /decay must be a number in \(0, 1\].*got '0.75'/);
  for (const n of [-1, 2.5, NaN]) assert.throws(() => layerScales(n, 0.75), /numLayers must be an integer >= 0/);
});

test.run();

// The arena layout of the WebGPU engine (pure arithmetic, no GPU): every element of every variable
// lands exactly once, on 16-byte boundaries, and no chunk outgrows the storage binding limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planChunks } from '../src/engines/webgpu/arena.js';

function check(sizes: number[], segments: number, maxBindingBytes: number) {
  const chunks = planChunks(sizes, segments, maxBindingBytes);
  const covered = sizes.map((n) => new Uint8Array(n));
  for (const chunk of chunks) {
    assert.ok(chunk.n4 * 16 * segments <= maxBindingBytes, `chunk of ${chunk.n4} vec4s x ${segments} segments > ${maxBindingBytes} bytes`);
    let end = 0;
    for (const piece of chunk.pieces) {
      assert.is(piece.dstOffset % 4, 0, 'pieces start on a vec4');
      assert.ok(piece.dstOffset >= end, 'pieces do not overlap');
      end = piece.dstOffset + piece.length;
      assert.ok(end <= chunk.n4 * 4, 'pieces fit the segment');
      for (let i = piece.srcOffset; i < piece.srcOffset + piece.length; i++) covered[piece.entry]![i]! += 1;
    }
  }
  covered.forEach((c, entry) => assert.ok(c.every((x) => x === 1), `variable ${entry}: every element exactly once`));
  return chunks;
}

test('one chunk when the group fits, padding each variable to 4 elements', () => {
  const chunks = check([1, 7, 8, 1500], 4, 1 << 20);
  assert.is(chunks.length, 1);
  assert.equal(chunks[0]!.pieces.map((p) => p.dstOffset), [0, 4, 12, 20]);
  assert.is(chunks[0]!.n4, (4 + 8 + 8 + 1500) / 4);
});

test('a group over the limit is cut into chunks, splitting a variable where it must', () => {
  const chunks = check([1500, 3, 300, 1, 257], 4, 4096); // 256 elements per segment per chunk
  assert.ok(chunks.length >= 9, `${chunks.length} chunks`);
  assert.ok(chunks[0]!.pieces.length === 1 && chunks[0]!.pieces[0]!.length === 256);
});

test('many tiny variables and odd limits', () => {
  const sizes = Array.from({ length: 500 }, (_, i) => 1 + ((i * 37) % 101));
  for (const limit of [1 << 30, 10_000, 3 * 16 * 5 + 7]) check(sizes, 3, limit);
});

test('a limit too small for one vec4 per segment is an error', () => {
  assert.throws(() => planChunks([10], 4, 32), /cannot hold/);
});

test.run();

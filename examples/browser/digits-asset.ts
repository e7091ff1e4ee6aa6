// The digits the browser example trains on, as one small binary file (examples/browser/dist/digits.bin,
// written by build.ts from the `mnist` package): the page cannot load that package (CommonJS, 40 MB
// of JSON), and the Node side of the browser test reads the very same bytes, so both train on
// identical inputs. Pure code: no DOM, no Node.
//
// Format (little-endian):
//   "DGT1"  magic, 4 bytes
//   u16     train count, u16 test count, u8 classes, u8 image side (28)
//   u8[n]   labels of the train samples, then of the test samples
//   u8[n·784] pixels, row by row, as round(v × 255)
// The mnist package stores each pixel as k / 255 rounded to 3 decimals; decodePixel gives exactly
// that float back (encodeDigits checks it for every pixel), so nothing is lost.

export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const MAGIC = [0x44, 0x47, 0x54, 0x31]; // "DGT1"
const HEADER = 10;

/** Images (N × 784 floats in [0, 1]) and class labels. */
export interface DigitSet {
  images: Float32Array;
  labels: Int32Array;
  size: number;
  numClasses: number;
}

export interface DigitAsset {
  train: DigitSet;
  test: DigitSet;
}

/** A stored byte back to the pixel value the mnist package gives (k / 255 rounded to 3 decimals). */
export function decodePixel(byte: number): number {
  return Math.round((byte / 255) * 1000) / 1000;
}

/** Samples as [label, pixels]; throws if a pixel would not come back exactly. */
export function encodeDigits(train: ReadonlyArray<readonly [number, ArrayLike<number>]>, test: ReadonlyArray<readonly [number, ArrayLike<number>]>, numClasses: number): Uint8Array {
  const all = [...train, ...test];
  if (train.length > 0xffff || test.length > 0xffff) throw new Error('encodeDigits: at most 65535 samples per split');
  if (numClasses < 1 || numClasses > 255) throw new Error(`encodeDigits: numClasses ${numClasses} out of 1..255`);
  const bytes = new Uint8Array(HEADER + all.length * (1 + PIXELS));
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, train.length, true);
  view.setUint16(6, test.length, true);
  view.setUint8(8, numClasses);
  view.setUint8(9, IMAGE_SIDE);
  all.forEach(([label, pixels], n) => {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) throw new Error(`encodeDigits: sample ${n} has label ${label}, not in 0..${numClasses - 1}`);
    if (pixels.length !== PIXELS) throw new Error(`encodeDigits: sample ${n} has ${pixels.length} pixels, not ${PIXELS}`);
    bytes[HEADER + n] = label;
    const at = HEADER + all.length + n * PIXELS;
    for (let i = 0; i < PIXELS; i++) {
      const v = pixels[i]!;
      const byte = Math.round(v * 255);
      if (byte < 0 || byte > 255 || decodePixel(byte) !== v) throw new Error(`encodeDigits: pixel ${i} of sample ${n} (${v}) does not survive 8 bits`);
      bytes[at + i] = byte;
    }
  });
  return bytes;
}

export function decodeDigits(data: ArrayBuffer | Uint8Array): DigitAsset {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < HEADER || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('decodeDigits: not a digits asset (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trainCount = view.getUint16(4, true);
  const testCount = view.getUint16(6, true);
  const numClasses = view.getUint8(8);
  if (view.getUint8(9) !== IMAGE_SIDE) throw new Error(`decodeDigits: image side ${view.getUint8(9)}, expected ${IMAGE_SIDE}`);
  const total = trainCount + testCount;
  if (bytes.length !== HEADER + total * (1 + PIXELS)) throw new Error(`decodeDigits: ${bytes.length} bytes, expected ${HEADER + total * (1 + PIXELS)}`);
  const table = Float32Array.from({ length: 256 }, (_, b) => decodePixel(b));
  const slice = (from: number, count: number): DigitSet => {
    const images = new Float32Array(count * PIXELS);
    const labels = new Int32Array(count);
    for (let n = 0; n < count; n++) {
      labels[n] = bytes[HEADER + from + n]!;
      const at = HEADER + total + (from + n) * PIXELS;
      for (let i = 0; i < PIXELS; i++) images[n * PIXELS + i] = table[bytes[at + i]!]!;
    }
    return { images, labels, size: count, numClasses };
  };
  return { train: slice(0, trainCount), test: slice(trainCount, testCount) };
}

// Types for the `mnist` package (CommonJS, no types of its own): ten digit sets of 28×28 images.
declare module 'mnist' {
  interface Digit {
    id: number;
    /** Number of samples of this digit. */
    length: number;
    /** Sample `i` as 784 pixel values in [0, 1], row by row. Deterministic for 0 <= i < length. */
    get(i: number): number[];
  }
  const digits: Digit[];
  export default digits;
}

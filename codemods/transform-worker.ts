// The transform worker thread (transform-threads.ts starts it as a run starts). Importing
// transform.js loads ts-morph and the TypeScript compiler, about half a second, while the main
// thread finds and pre-filters the files. Then it takes candidates from the counter it shares with
// the main thread, posts each outcome as it has it (a failure later loses none already posted),
// says done, and ends: its code cache (code-cache.cts) is written as it exits.
import { parentPort } from 'node:worker_threads';
import { transformSource, type TransformOptions } from './transform.js';
import { transformOutcome, type Candidate } from './transform-outcome.js';

export interface WorkerTask {
  candidates: Candidate[];
  options: TransformOptions;
  /** Int32Array over a SharedArrayBuffer: the index of the next candidate nobody has taken. */
  next: Int32Array;
}

export type WorkerMessage = { index: number; outcome: ReturnType<typeof transformOutcome> } | { done: true };

const port = parentPort!;
port.once('message', ({ candidates, options, next }: WorkerTask) => {
  for (let index = Atomics.add(next, 0, 1); index < candidates.length; index = Atomics.add(next, 0, 1)) {
    port.postMessage({ index, outcome: transformOutcome(transformSource, candidates[index]!, options) } satisfies WorkerMessage);
  }
  port.postMessage({ done: true } satisfies WorkerMessage);
  port.close();
});

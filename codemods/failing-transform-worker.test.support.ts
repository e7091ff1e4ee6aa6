// A transform worker that fails midway, for transform-threads.test.ts: it takes two candidates
// from the shared counter, as the real worker would, then throws before reporting them. The run
// must transform them on the main thread.
import { parentPort } from 'node:worker_threads';
import type { WorkerTask } from './transform-worker.js';

parentPort!.once('message', ({ next }: WorkerTask) => {
  Atomics.add(next, 0, 2);
  throw new Error('the transform worker failed');
});

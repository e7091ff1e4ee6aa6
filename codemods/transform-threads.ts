// Transforming the candidate files beside the main thread. Loading ts-morph and the TypeScript
// compiler takes about half a second of one core; a worker thread (transform-worker.ts) starts
// loading them as the run starts, on another core, while the main thread finds, reads and
// pre-filters the files. Then the worker transforms the candidates, taking them from a counter it
// shares with the main thread, which takes them too only where it has ts-morph loaded already (a
// second run in one process) or has no worker. Each outcome goes into its candidate's slot: the
// report does not depend on which thread took which file. A worker that fails to start or fails
// midway only costs time: every candidate it has not reported is transformed on the main thread.
//
// The main thread does not load ts-morph to join the worker on a large run: measured on a 2-core
// machine shared with other work, that second load (half a second of CPU) made runs slower (median
// 6.5 s against 4.0 s under a load average of 9), and even when idle it could save at most a part
// of the transforms' 0.6 s.
//
// A run whose files all fail the pre-filter stops the worker, mostly before it has finished
// loading ts-morph. That load ran on the other core, beside the main thread's own work: it costs
// CPU time, not wall time, and starting it only once a candidate is found would put the half
// second after the pre-filter instead of beside it.
import { Worker } from 'node:worker_threads';
import type { TransformOptions } from './transform.js';
import { transformOutcome, type Candidate, type TransformOutcome } from './transform-outcome.js';
import type { WorkerMessage, WorkerTask } from './transform-worker.js';

export const TRANSFORM_WORKER = new URL('./transform-worker.js', import.meta.url);

export interface TransformThreads {
  /** The outcomes, in the candidates' order. */
  transform(candidates: readonly Candidate[], options: TransformOptions): Promise<TransformOutcome[]>;
  /** Ends the worker (a run that transforms nothing). */
  stop(): void;
}

let transformModule: Promise<typeof import('./transform.js')> | undefined;
/** Set once this thread has loaded transform.js (and ts-morph): from then on joining costs nothing. */
let transformLoaded = false;

async function loadTransform(): Promise<typeof import('./transform.js')['transformSource']> {
  const { transformSource } = await (transformModule ??= import('./transform.js'));
  transformLoaded = true;
  return transformSource;
}

/** Starts the worker now (or, with no URL, none: everything is transformed on the main thread). */
export function startTransformThreads(workerUrl: URL | undefined): TransformThreads {
  const worker = workerUrl && startWorker(workerUrl);
  return {
    async transform(candidates, options) {
      const outcomes: (TransformOutcome | undefined)[] = candidates.map(() => undefined);
      const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      const helped = worker ? worker.take({ candidates: candidates.map(({ file, text }) => ({ file, text })), options, next }, outcomes) : Promise.resolve();
      if (!worker || transformLoaded) {
        const transformSource = await loadTransform();
        for (let index = Atomics.add(next, 0, 1); index < candidates.length; index = Atomics.add(next, 0, 1)) {
          outcomes[index] = transformOutcome(transformSource, candidates[index]!, options);
        }
      }
      await helped;
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome) continue;
        const transformSource = await loadTransform();
        outcomes[index] = transformOutcome(transformSource, candidates[index]!, options);
      }
      return outcomes as TransformOutcome[];
    },
    stop() {
      worker?.stop();
    },
  };
}

interface StartedWorker {
  /** Hands the task to the worker; settles when it is done, or has ended (failed). */
  take(task: WorkerTask, outcomes: (TransformOutcome | undefined)[]): Promise<void>;
  stop(): void;
}

function startWorker(url: URL): StartedWorker | undefined {
  let worker: Worker;
  try {
    worker = new Worker(url);
  } catch {
    return undefined;
  }
  // An uncaught error in the worker (it could not load, say) arrives here, then 'exit'.
  worker.on('error', () => {});
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    take(task, outcomes) {
      const done = new Promise<void>((resolve) => {
        worker.on('message', (message: WorkerMessage) => {
          if ('done' in message) resolve();
          else outcomes[message.index] = message.outcome;
        });
      });
      try {
        worker.postMessage(task);
      } catch {
        // Not sent: the worker takes nothing, and the main thread transforms everything.
        void worker.terminate();
        return Promise.resolve();
      }
      return Promise.race([done, ended]);
    },
    stop() {
      void worker.terminate();
    },
  };
}

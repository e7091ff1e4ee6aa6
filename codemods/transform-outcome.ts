// What transforming one candidate file gives, in a form that crosses between threads unchanged
// (structured clone keeps plain objects and strings; an Error would lose its class): the result, or
// the message of what the transform threw. The same function runs on the main thread and in the
// transform worker, so both report a file byte for byte alike.
import type { TransformOptions, TransformResult } from './transform.js';

/** A file that passed the pre-filter: its absolute path and text. */
export interface Candidate { file: string; text: string }

export type TransformOutcome = { result: TransformResult } | { error: string };

type TransformSource = typeof import('./transform.js').transformSource;

export function transformOutcome(transformSource: TransformSource, candidate: Candidate, options: TransformOptions): TransformOutcome {
  try {
    return { result: transformSource(candidate.text, candidate.file, options) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// A codemod run over files: find them, refuse to write into a work tree with uncommitted changes
// (unless forced), pre-filter, transform (on two threads: transform-threads.ts), write atomically,
// in the files' order. No printing: the CLI reports.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { discoverFiles } from './file-discovery.js';
import { dirtyWorkTrees, type DirtyTree } from './git-status.js';
import { mayHoldSite } from './prefilter.js';
import { summarize, type FileReport, type Report } from './report.js';
import type { TransformOptions } from './transform.js';
import type { Candidate, TransformOutcome } from './transform-outcome.js';
import { startTransformThreads, TRANSFORM_WORKER } from './transform-threads.js';
import { writeFileAtomic } from './atomic-write.js';

export interface RunOptions {
  patterns: readonly string[];
  cwd: string;
  transform: TransformOptions;
  /** Write nothing. */
  dry: boolean;
  /** Write even into a work tree with uncommitted changes. */
  force: boolean;
  /** Called for every file whose text changes (written or, with dry, would be). */
  onChange?: (path: string, before: string, after: string) => void;
  /**
   * The transform worker's module (transform-threads.ts), by default transform-worker.js; false
   * for none: every file is transformed on this thread. Tests compare the two and give a worker
   * that fails.
   */
  transformWorker?: URL | false;
}

export type RunOutcome =
  | { kind: 'done'; report: Report; unmatched: string[] }
  | { kind: 'no-files'; unmatched: string[] }
  | { kind: 'dirty'; trees: DirtyTree[] };

export async function runCodemod(options: RunOptions): Promise<RunOutcome> {
  const threads = startTransformThreads(options.transformWorker === undefined ? TRANSFORM_WORKER : options.transformWorker || undefined);
  let transforming = false;
  try {
    const { files, unmatched } = await discoverFiles(options.patterns, options.cwd);
    if (files.length === 0) return { kind: 'no-files', unmatched };
    if (!options.dry && !options.force) {
      const trees = dirtyWorkTrees(files);
      if (trees.length) return { kind: 'dirty', trees };
    }
    const scanned = files.map((file) => scan(file, options.cwd));
    const candidates = scanned.filter((entry): entry is Candidate & { path: string } => 'text' in entry);
    transforming = candidates.length > 0;
    const outcomes = transforming ? await threads.transform(candidates, options.transform) : [];
    let next = 0;
    const reports = scanned.map((entry) => ('text' in entry ? fileReport(entry, outcomes[next++]!, options) : entry));
    return { kind: 'done', report: { files: reports, summary: summarize(reports) }, unmatched };
  } finally {
    // A worker given candidates ends by itself once done (and writes its code cache as it exits).
    if (!transforming) threads.stop();
  }
}

/** A file read and pre-filtered: a candidate to transform, or already its report (skipped, unreadable). */
function scan(file: string, cwd: string): (Candidate & { path: string }) | FileReport {
  const path = relative(cwd, file).split(sep).join('/');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { path, status: 'error', sites: [], error: `cannot read: ${messageOf(error)}` };
  }
  return mayHoldSite(text) ? { file, path, text } : { path, status: 'skipped', sites: [] };
}

function fileReport({ file, path, text }: Candidate & { path: string }, outcome: TransformOutcome, options: RunOptions): FileReport {
  if ('error' in outcome) return { path, status: 'error', sites: [], error: outcome.error };
  const { result } = outcome;
  if (!result.changed) return { path, status: 'unchanged', sites: result.sites };
  if (!options.dry) {
    try {
      writeFileAtomic(file, result.text);
    } catch (error) {
      return { path, status: 'error', sites: result.sites, error: `cannot write: ${messageOf(error)}` };
    }
  }
  options.onChange?.(path, text, result.text);
  return { path, status: 'modified', sites: result.sites };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// A codemod run over files: find them, refuse to write into a work tree with uncommitted changes
// (unless forced), pre-filter, transform, write atomically. No printing: the CLI reports.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { discoverFiles } from './file-discovery.js';
import { dirtyWorkTrees, type DirtyTree } from './git-status.js';
import { mayHoldSite } from './prefilter.js';
import { summarize, type FileReport, type Report } from './report.js';
import type { TransformOptions, TransformResult } from './transform.js';
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
}

export type RunOutcome =
  | { kind: 'done'; report: Report; unmatched: string[] }
  | { kind: 'no-files'; unmatched: string[] }
  | { kind: 'dirty'; trees: DirtyTree[] };

// ts-morph takes about half a second to load; a run whose files all fail the pre-filter never needs it.
let transformModule: Promise<typeof import('./transform.js')> | undefined;

export async function runCodemod(options: RunOptions): Promise<RunOutcome> {
  const { files, unmatched } = await discoverFiles(options.patterns, options.cwd);
  if (files.length === 0) return { kind: 'no-files', unmatched };
  if (!options.dry && !options.force) {
    const trees = dirtyWorkTrees(files);
    if (trees.length) return { kind: 'dirty', trees };
  }
  const reports: FileReport[] = [];
  for (const file of files) {
    const path = relative(options.cwd, file).split(sep).join('/');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      reports.push({ path, status: 'error', sites: [], error: `cannot read: ${messageOf(error)}` });
      continue;
    }
    if (!mayHoldSite(text)) {
      reports.push({ path, status: 'skipped', sites: [] });
      continue;
    }
    transformModule ??= import('./transform.js');
    const { transformSource } = await transformModule;
    let result: TransformResult | Error;
    try {
      result = transformSource(text, file, options.transform);
    } catch (error) {
      result = error instanceof Error ? error : new Error(String(error));
    }
    reports.push(fileReport(file, path, text, result, options));
  }
  return { kind: 'done', report: { files: reports, summary: summarize(reports) }, unmatched };
}

function fileReport(file: string, path: string, text: string, result: TransformResult | Error, options: RunOptions): FileReport {
  if (result instanceof Error) return { path, status: 'error', sites: [], error: result.message };
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

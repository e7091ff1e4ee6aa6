// What a run reports: per file its status and sites, and the totals. The same data is printed as
// a summary and written with --json as {files, summary}.
import type { SiteReport } from './transform.js';

/**
 * modified: converted (or would be, with --dry); unchanged: parsed, nothing to change; skipped: no
 * tfjs optimizer code by the text pre-filter, not parsed; error: did not parse, or could not be
 * read or written.
 */
export type FileStatus = 'modified' | 'unchanged' | 'skipped' | 'error';

export interface FileReport {
  /** Relative to the working directory, with forward slashes. */
  path: string;
  status: FileStatus;
  sites: SiteReport[];
  error?: string;
}

export interface Summary {
  filesScanned: number;
  filesModified: number;
  filesUnchanged: number;
  filesSkipped: number;
  filesWithErrors: number;
  sitesConverted: number;
  sitesNotConverted: number;
}

export interface Report {
  files: FileReport[];
  summary: Summary;
}

export function summarize(files: readonly FileReport[]): Summary {
  const count = (status: FileStatus) => files.filter((file) => file.status === status).length;
  const sites = files.flatMap((file) => file.sites);
  return {
    filesScanned: files.length,
    filesModified: count('modified'),
    filesUnchanged: count('unchanged'),
    filesSkipped: count('skipped'),
    filesWithErrors: count('error'),
    sitesConverted: sites.filter((site) => site.converted).length,
    sitesNotConverted: sites.filter((site) => !site.converted).length,
  };
}

/** The human summary: one line per problem, then the totals. */
export function formatReport(report: Report, dry: boolean): string {
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.status === 'error') lines.push(`error  ${file.path}: ${file.error}`);
    for (const site of file.sites) {
      if (!site.converted) lines.push(`not converted  ${file.path}:${site.line}:${site.column}  ${site.kind}: ${site.reason}`);
    }
  }
  const { summary } = report;
  const modified = dry ? 'would be modified' : 'modified';
  if (lines.length) lines.push('');
  lines.push(
    `files: ${summary.filesScanned} scanned, ${summary.filesModified} ${modified}, ${summary.filesUnchanged} unchanged, `
    + `${summary.filesSkipped} skipped, ${summary.filesWithErrors} with errors`,
    `sites: ${summary.sitesConverted} converted, ${summary.sitesNotConverted} not converted`,
  );
  return `${lines.join('\n')}\n`;
}

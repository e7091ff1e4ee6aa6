// Codemod throughput: a generated tree shaped like a tfjs monorepo (2,661 files, few with optimizer
// code; bench/support/codemod-corpus.ts) in a temp folder, the real command run with --dry, files
// per second end to end (Node start-up and loading ts-morph included). Target (issue 13): >= 1,500
// files/s wall clock, moonshot 3,000. Besides wall time it prints the command's own CPU time (user +
// system, both of its threads: the main thread finds and pre-filters the files while a worker
// loads ts-morph and transforms the candidates): on a busy machine wall time measures the
// neighbours as well, CPU time still measures the codemod.
// usage: npm run bench:codemod [-- --files 2661 --runs 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from './support/codemod-corpus.js';
import type { Report } from '../codemods/report.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '2661' }, runs: { type: 'string', default: '5' } } });
const files = Number(values.files);
const runs = Number(values.runs);
const cli = resolve(import.meta.dirname, '../bin/tfjs-layer-decay.js');
// Makes the child print its CPU time (µs) as the last line of stderr when it exits.
const REPORT_CPU = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\ncpu "+(u.user+u.system)+"\\n")})';

const root = mkdtempSync(join(tmpdir(), 'tfjs-layer-decay-codemod-bench-'));
try {
  const corpus = generateCorpus(root, { files });
  console.log(`corpus: ${corpus.files} files, ${corpus.lines} lines: ${corpus.exampleFiles} examples with optimizer code, ${corpus.testFiles} large test files `
    + `with compile calls, ${corpus.libraryFiles} tfjs library modules, ${corpus.ordinaryFiles} ordinary modules`);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let report: Report | undefined;
  for (let run = 0; run < runs; run++) {
    const reportPath = join(root, 'report.json');
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', REPORT_CPU, cli, 'codemod', '.', '--decay', '0.75', '--dry', '--json', reportPath], { cwd: root, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`codemod exited ${result.status}: ${result.stderr}`);
    const cpuSeconds = Number(/cpu (\d+)\s*$/.exec(result.stderr)?.[1]) / 1e6;
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    times.push(seconds);
    cpuTimes.push(cpuSeconds);
    const scanned = report.summary.filesScanned;
    console.log(`run ${run + 1}: ${seconds.toFixed(2)} s wall (${(scanned / seconds).toFixed(0)} files/s), ${cpuSeconds.toFixed(2)} s CPU (${(scanned / cpuSeconds).toFixed(0)} files/CPU-s)`);
  }
  const { summary } = report!;
  const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const median = medianOf(times);
  console.log(`scanned ${summary.filesScanned}: ${summary.filesModified} would be modified, ${summary.filesUnchanged} unchanged, `
    + `${summary.filesSkipped} skipped by the pre-filter, ${summary.filesWithErrors} errors; `
    + `sites ${summary.sitesConverted} converted, ${summary.sitesNotConverted} not`);
  console.log(`codemod --dry: ${(summary.filesScanned / median).toFixed(0)} files/s wall, ${(summary.filesScanned / medianOf(cpuTimes)).toFixed(0)} files per CPU second `
    + `(medians of ${runs}; ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; target >= 1500 files/s)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

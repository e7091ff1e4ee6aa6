// Helpers for tests that run the real command (dist/bin/tfjs-layer-decay.js) on real files in a temp folder.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const CLI = resolve('dist/bin/tfjs-layer-decay.js');

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function runCli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const run = spawnSync(process.execPath, [CLI, 'codemod', ...args], { cwd, encoding: 'utf8', env });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** runCli without waiting: independent runs overlap. */
export function runCliAsync(cwd: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, 'codemod', ...args], { cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const created: string[] = [];
process.on('exit', () => { for (const root of created) rmSync(root, { recursive: true, force: true }); });

/** A new temp folder holding the given files (path relative to it -> text), removed when the process exits. */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tfjs-layer-decay-codemod-'));
  created.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** A temp git repository with the files committed. */
export function committedRepo(files: Record<string, string>): string {
  const root = tempTree(files);
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}

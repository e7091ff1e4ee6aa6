// The safety check before writing: a codemod's edits are reviewed and undone with git, which only
// works when they are the only uncommitted changes. Untracked files count too (git cannot restore
// them). Outside a work tree, or without git, there is nothing to check.
import { spawnSync } from 'node:child_process';
import { workTreeOf } from './file-discovery.js';

export interface DirtyTree { root: string; changes: string[] }

/** The work trees holding some of the files that have uncommitted changes. */
export function dirtyWorkTrees(files: readonly string[]): DirtyTree[] {
  const roots = new Set<string>();
  for (const file of files) {
    const root = workTreeOf(file);
    if (root) roots.add(root);
  }
  const dirty: DirtyTree[] = [];
  for (const root of roots) {
    const status = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
    if (status.error || status.status !== 0) continue;
    const changes = status.stdout.split('\n').filter((line) => line.trim() !== '');
    if (changes.length) dirty.push({ root, changes });
  }
  return dirty;
}

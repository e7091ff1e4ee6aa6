// The files a run reads: each argument is a file, a directory (searched recursively) or a glob.
// Directories and globs skip node_modules and whatever .gitignore ignores; a file named
// explicitly is read even then, since the user asked for it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob, isDynamicPattern } from 'tinyglobby';
import { SOURCE_EXTENSIONS, extensionOf } from './extensions.js';

export interface Discovery {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** Arguments that matched no readable source file. */
  unmatched: string[];
}

const ALWAYS_SKIPPED = ['**/node_modules/**', '**/.git/**'];

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.includes(extensionOf(path)) && !/\.d\.[cm]?tsx?$/i.test(path);
}

export async function discoverFiles(patterns: readonly string[], cwd: string): Promise<Discovery> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  const ignored = gitignoreMatcher();
  for (const pattern of patterns) {
    const path = resolve(cwd, pattern);
    const stats = !isDynamicPattern(pattern) && existsSync(path) ? statSync(path) : undefined;
    let found: string[];
    if (stats?.isFile()) {
      found = isSourceFile(path) ? [path] : [];
    } else {
      const globbed = await glob(stats?.isDirectory() ? ['**/*'] : [pattern], {
        cwd: stats?.isDirectory() ? path : cwd, absolute: true, onlyFiles: true, ignore: ALWAYS_SKIPPED, expandDirectories: false,
      });
      found = globbed.map((file) => resolve(file)).filter((file) => isSourceFile(file) && !ignored(file));
    }
    if (found.length === 0) unmatched.push(pattern);
    for (const file of found) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
}

const workTrees = new Map<string, string | undefined>();

/** The work tree a path belongs to (the nearest folder holding .git), if any. */
export function workTreeOf(path: string): string | undefined {
  return workTreeOfFolder(dirname(path));
}

function workTreeOfFolder(dir: string): string | undefined {
  if (workTrees.has(dir)) return workTrees.get(dir);
  const root = existsSync(join(dir, '.git')) ? dir : dirname(dir) === dir ? undefined : workTreeOfFolder(dirname(dir));
  workTrees.set(dir, root);
  return root;
}

/**
 * Whether a file is ignored by the .gitignore files between its work tree's root (or the file
 * system root outside a work tree) and its folder; a deeper file's rules win, as in git.
 */
function gitignoreMatcher(): (file: string) => boolean {
  const rules = new Map<string, Ignore | undefined>();
  const rulesOf = (dir: string) => {
    if (!rules.has(dir)) {
      const file = join(dir, '.gitignore');
      rules.set(dir, existsSync(file) ? ignore().add(readFileSync(file, 'utf8')) : undefined);
    }
    return rules.get(dir);
  };
  return (file) => {
    const root = workTreeOf(file) ?? resolve('/');
    const dirs: string[] = [];
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      dirs.unshift(dir);
      if (dir === root || dirname(dir) === dir) break;
    }
    let ignoredNow = false;
    for (const dir of dirs) {
      const matcher = rulesOf(dir);
      if (!matcher) continue;
      const result = matcher.test(relative(dir, file).split(sep).join('/'));
      if (result.ignored) ignoredNow = true;
      else if (result.unignored) ignoredNow = false;
    }
    return ignoredNow;
  };
}

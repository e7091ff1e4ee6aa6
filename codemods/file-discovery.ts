// The files a run reads: each argument is a file, a directory (searched recursively) or a glob.
// Directories and globs skip node_modules and whatever .gitignore ignores; a file named
// explicitly is read even then, since the user asked for it. A directory is walked by hand, never
// entering an ignored folder (a build output can hold more files than the sources); anything that
// is not an existing path is a glob, and goes through tinyglobby (loaded only then).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
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
    const stats = existsSync(path) ? statSync(path) : undefined;
    let found: string[];
    if (stats?.isFile()) {
      found = isSourceFile(path) ? [path] : [];
    } else if (stats?.isDirectory()) {
      found = walk(path, ignored);
    } else {
      const { glob } = await import('tinyglobby');
      const globbed = await glob([pattern], { cwd, absolute: true, onlyFiles: true, ignore: ALWAYS_SKIPPED, expandDirectories: false });
      found = globbed.map((file) => resolve(file)).filter((file) => isSourceFile(file) && !ignored(file));
    }
    if (found.length === 0) unmatched.push(pattern);
    for (const file of found) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
}

/** The source files below a folder, not entering node_modules, .git or an ignored folder. */
function walk(root: string, ignored: (path: string, isDirectory?: boolean) => boolean): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && existsSync(path) && statSync(path).isDirectory());
      if (isDirectory) {
        if (entry.name !== 'node_modules' && entry.name !== '.git' && !entry.isSymbolicLink() && !ignored(path, true)) visit(path);
      } else if (isSourceFile(path) && !ignored(path)) {
        found.push(path);
      }
    }
  };
  visit(root);
  return found;
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
 * Whether a file (or a folder) is ignored by the .gitignore files between its work tree's root (or
 * the file system root outside a work tree) and its folder; a deeper file's rules win, as in git.
 * Each folder's chain of .gitignore files is found once.
 */
function gitignoreMatcher(): (path: string, isDirectory?: boolean) => boolean {
  const chains = new Map<string, { dir: string; rules: Ignore }[]>();
  const chainOf = (dir: string): { dir: string; rules: Ignore }[] => {
    let chain = chains.get(dir);
    if (!chain) {
      const parent = dirname(dir);
      const inherited = workTreeOfFolder(dir) === dir || parent === dir ? [] : chainOf(parent);
      const file = join(dir, '.gitignore');
      chain = existsSync(file) ? [...inherited, { dir, rules: ignore().add(readFileSync(file, 'utf8')) }] : inherited;
      chains.set(dir, chain);
    }
    return chain;
  };
  return (path, isDirectory = false) => {
    let ignoredNow = false;
    for (const { dir, rules } of chainOf(dirname(path))) {
      const result = rules.test(relative(dir, path).split(sep).join('/') + (isDirectory ? '/' : ''));
      if (result.ignored) ignoredNow = true;
      else if (result.unignored) ignoredNow = false;
    }
    return ignoredNow;
  };
}

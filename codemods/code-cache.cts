// Loading the large CommonJS files that ts-morph brings (the TypeScript compiler alone is 9 MB)
// faster, on every run of the command:
// - V8's code cache: compiling them and the compiler functions a run uses costs about a third of
//   a second. The compiled code is kept in the system's temp folder (in a folder only this user
//   can write, or not at all), one file per source file as it is now, Node version and
//   architecture, and read back by later runs; V8 rejects a cache that
//   does not fit its source or this V8 (then the file is compiled and the cache written again).
//   What Node 22's module.enableCompileCache() does for every module; this package supports Node 20.
// - A file that is plain ASCII (the compiler is) becomes a string without UTF-8 decoding, which
//   costs 0.1 s for 9 MB.
// Only files required between start() and stop() are affected, and any failure falls back to
// Node's own loader.
import Module = require('node:module');
import buffer = require('node:buffer');
import crypto = require('node:crypto');
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');
import workerThreads = require('node:worker_threads');

/** Smaller files load fast enough; a cache would cost more to read than it saves. */
const MIN_SIZE = 256 * 1024;

interface LoadingModule { exports: unknown }
type Loader = (module: LoadingModule, filename: string) => void;

const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
const loadJs = extensions['.js']!;
const cacheFolder = path.join(os.tmpdir(), 'tfjs-layer-decay-code-cache');

/**
 * Whether the cache folder (created if missing) is this user's alone: a code cache is code, and V8
 * would run one planted by another user of a shared temp folder. Elsewhere (Windows) the temp
 * folder is the user's own. Checked once per thread.
 */
let cacheFolderTrusted: boolean | undefined;
function trustCacheFolder(): boolean {
  if (cacheFolderTrusted === undefined) {
    try {
      fs.mkdirSync(cacheFolder, { recursive: true, mode: 0o700 });
      const stats = fs.lstatSync(cacheFolder);
      cacheFolderTrusted = stats.isDirectory()
        && (process.getuid === undefined || (stats.uid === process.getuid() && (stats.mode & 0o022) === 0));
    } catch {
      cacheFolderTrusted = false;
    }
  }
  return cacheFolderTrusted;
}

/** One cache file per source file as it is now (V8's own check looks at the source's length only). */
function cacheFileOf(filename: string): string {
  const { size, mtimeMs, ino } = fs.statSync(filename);
  const key = crypto.createHash('sha1').update([process.version, process.arch, filename, size, mtimeMs, ino].join('\0')).digest('hex');
  return path.join(cacheFolder, `${path.basename(filename)}-${key.slice(0, 16)}.bin`);
}

/** Writes the cache of a script at exit, when every function the run used is compiled. */
function writeAtExit(script: vm.Script, cacheFile: string): void {
  process.once('exit', () => {
    // The main thread and the transform worker may write the same cache as they exit: each its own
    // temporary file, renamed over the cache whole.
    const temporary = `${cacheFile}.${process.pid}-${workerThreads.threadId}.tmp`;
    try {
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      // A cache that cannot be written only costs the next run the compile.
      fs.rmSync(temporary, { force: true });
    }
  });
}

/** The compiled module wrapper of a large file, through the code cache; undefined to leave the file to Node. */
function compiled(filename: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    const source = fs.readFileSync(filename);
    // A byte order mark or a shebang is Node's to strip; small files are not worth it.
    if (source.length < MIN_SIZE || source[0] === 0xef || source[0] === 0x23) return undefined;
    const content = buffer.isAscii(source) ? source.toString('latin1') : source.toString('utf8');
    const cacheFile = trustCacheFolder() ? cacheFileOf(filename) : undefined;
    const cachedData = cacheFile && fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) writeAtExit(script, cacheFile);
    return script.runInThisContext() as (...args: unknown[]) => unknown;
  } catch {
    return undefined;
  }
}

/** From now on until stop(), the large CommonJS files that are required load as above. */
export function start(): void {
  extensions['.js'] = function (module: LoadingModule, filename: string) {
    const wrapper = compiled(filename);
    if (!wrapper) return loadJs(module, filename);
    wrapper.call(module.exports, module.exports, Module.createRequire(filename), module, filename, path.dirname(filename));
  };
}

export function stop(): void {
  extensions['.js'] = loadJs;
}

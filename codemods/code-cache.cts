// V8's code cache for the large CommonJS files that ts-morph loads (the TypeScript compiler alone
// is 9 MB): compiling them and the compiler functions a run uses costs about a third of a second,
// on every run of the command. The compiled code is kept in the system's temp folder, one file per
// source file, Node version and architecture, and read back by later runs; V8 checks that it fits
// the source and this V8 and rejects it otherwise (then it is compiled and written again). What
// Node 22's module.enableCompileCache() does for every module; this package supports Node 20.
// Only files required between start() and stop() are affected, and any failure falls back to
// Node's own compile.
import Module = require('node:module');
import crypto = require('node:crypto');
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

/** Smaller files compile fast enough; the cache would cost more to read than it saves. */
const MIN_SIZE = 256 * 1024;

interface CompilingModule {
  exports: unknown;
  _compile(content: string, filename: string): unknown;
}

const cacheFolder = path.join(os.tmpdir(), 'tfjs-layer-decay-code-cache');

/** One cache file per source file as it is now (V8's own check looks at the source's length only). */
function cacheFileOf(filename: string): string {
  const { size, mtimeMs, ino } = fs.statSync(filename);
  const key = crypto.createHash('sha1').update([process.version, process.arch, filename, size, mtimeMs, ino].join('\0')).digest('hex');
  return path.join(cacheFolder, `${path.basename(filename)}-${key.slice(0, 16)}.bin`);
}

/** Writes the cache of a script at exit, when every function the run used is compiled. */
function writeAtExit(script: vm.Script, cacheFile: string): void {
  process.once('exit', () => {
    try {
      fs.mkdirSync(cacheFolder, { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      // A cache that cannot be written only costs the next run the compile.
    }
  });
}

const prototype = (Module as unknown as { prototype: CompilingModule }).prototype;
const compile = prototype._compile;

/** From now on until stop(), the large CommonJS files that are required compile through the code cache. */
export function start(): void {
  prototype._compile = function (this: CompilingModule, content: string, filename: string) {
    if (content.length < MIN_SIZE) return compile.call(this, content, filename);
    let script: vm.Script;
    let cacheFile: string;
    let cachedData: Buffer | undefined;
    try {
      cacheFile = cacheFileOf(filename);
      cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
      script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
      return compile.call(this, content, filename);
    }
    if (cachedData === undefined || script.cachedDataRejected) writeAtExit(script, cacheFile);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };
}

export function stop(): void {
  prototype._compile = compile;
}

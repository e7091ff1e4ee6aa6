// Writes a file so that a crash or a full disk leaves either the old bytes or the new ones, never
// half of each: write a temporary file beside it (same file system), then rename over it.
import { chmodSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.tfjs-layer-decay-${process.pid}-${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    chmodSync(temporary, statSync(path).mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

// What the examples' commands share: reading their flags (--help prints the usage and stops with 0; a
// bad flag or value prints what was wrong and stops with 2) and the checks of a flag's value.
import type { BackendName } from './vit-finetune/backend.js';

/** The parsed options, or the exit code to stop with. */
export function readOptions<T>(argv: readonly string[], parse: (argv: readonly string[]) => T | 'help', usage: string): T | number {
  let options: T | 'help';
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n(see --help)`);
    return 2;
  }
  if (options === 'help') {
    console.log(usage);
    return 0;
  }
  return options;
}

export function number(text: string | number, flag: string, ok: (x: number) => boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new Error(`${flag}: invalid value '${text}'`);
  return value;
}

export function integer(text: string | number, flag: string, min = 1): number {
  return number(text, flag, (x) => Number.isInteger(x) && x >= min);
}

export function backendName(value: string): BackendName {
  if (value !== 'cpu' && value !== 'wasm' && value !== 'webgpu') throw new Error(`--backend must be cpu, wasm or webgpu, got '${value}'`);
  return value;
}

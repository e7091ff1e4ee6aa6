// The fixture pairs in codemods/__testfixtures__ (<name>.input.<ext> / <name>.output.<ext>) and
// the options each runs with. Tests run from the repository root (test/run.mjs), and fixtures
// are read from the source folder: tsc does not copy them to dist.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TransformOptions } from './transform.js';

export const FIXTURES = resolve('codemods/__testfixtures__');

/** Options per fixture name; every fixture runs with decay 0.75. */
const OPTIONS: Record<string, Partial<TransformOptions>> = {
  todo: { todo: true },
  arch: { arch: 'vit' },
};

export interface Fixture {
  name: string;
  /** '.ts', '.cjs', ... */
  extension: string;
  inputFile: string;
  outputFile: string;
  input: string;
  output: string;
  options: TransformOptions;
}

export function fixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.includes('.input.'))
    .sort()
    .map((inputFile) => {
      const name = inputFile.slice(0, inputFile.indexOf('.input.'));
      const extension = inputFile.slice(inputFile.indexOf('.input.') + '.input'.length);
      const outputFile = `${name}.output${extension}`;
      return {
        name, extension, inputFile, outputFile,
        input: readFileSync(join(FIXTURES, inputFile), 'utf8'),
        output: readFileSync(join(FIXTURES, outputFile), 'utf8'),
        options: { decay: 0.75, ...OPTIONS[name] },
      };
    });
}

// The fixture pairs in codemods/__testfixtures__ (<name>.input.<ext> / <name>.output.<ext>) and
// the options each runs with. A <name>.todo.<ext> beside a pair is what the same input gives with
// --todo: the input is not kept twice. Tests run from the repository root (test/run.mjs), and
// fixtures are read from the source folder: tsc does not copy them to dist.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TransformOptions } from './transform.js';

export const FIXTURES = resolve('codemods/__testfixtures__');

/** Options per fixture name; every fixture runs with decay 0.75. */
const OPTIONS: Record<string, Partial<TransformOptions>> = {
  arch: { arch: 'vit' },
};

export interface Fixture {
  /** The pair's name, with ' --todo' for the variant run with --todo. */
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
    .flatMap((inputFile) => {
      const name = inputFile.slice(0, inputFile.indexOf('.input.'));
      const extension = inputFile.slice(inputFile.indexOf('.input.') + '.input'.length);
      const input = readFileSync(join(FIXTURES, inputFile), 'utf8');
      const options: TransformOptions = { decay: 0.75, ...OPTIONS[name] };
      const outputFile = `${name}.output${extension}`;
      const pair: Fixture = { name, extension, inputFile, outputFile, input, output: readFileSync(join(FIXTURES, outputFile), 'utf8'), options };
      const todoFile = `${name}.todo${extension}`;
      if (!existsSync(join(FIXTURES, todoFile))) return [pair];
      const todo: Fixture = {
        name: `${name} --todo`, extension, inputFile, outputFile: todoFile, input,
        output: readFileSync(join(FIXTURES, todoFile), 'utf8'), options: { ...options, todo: true },
      };
      return [pair, todo];
    });
}

/** Every fixture file name (inputs once), for the tests that read each file. */
export function fixtureFiles(): string[] {
  return [...new Set(fixtures().flatMap((fixture) => [fixture.inputFile, fixture.outputFile]))];
}

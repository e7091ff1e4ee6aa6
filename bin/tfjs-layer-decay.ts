#!/usr/bin/env node
// The `tfjs-layer-decay` command. Each subcommand lives with the code it drives and exports
// main(argv) -> exit code; this file only dispatches. It lives outside src/ so that the library
// never imports the codemod (codemods/) or any other Node-only command code.
import { readFileSync } from 'node:fs';
import { ARCH_NAMES, GRANULARITIES } from '../src/layer-decay/resolvers/resolver.js';

const USAGE = `usage: tfjs-layer-decay <command> [options]

commands:
  inspect <model.json> --decay <d> [--arch auto|${ARCH_NAMES.join('|')}] [--granularity ${GRANULARITIES.join('|')}]
          [--num-layers n] [--weight-decay wd] [--no-weight-decay globs] [--min-scale s] [--freeze-below s] [--variables] [--json]
      print the layer-decay groups of a saved tfjs model (reads topology and weight manifest only)
  codemod <paths or globs...> --decay <d> [--arch ...] [--dry] [--diff] [--json <report>] [--force] [--todo]
      convert single-learning-rate tfjs training code to the layer-decay form

  tfjs-layer-decay <command> --help   the options of a command
  tfjs-layer-decay --version          the version of this package
`;

const commands: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  inspect: () => import('../src/layer-decay/inspect-command.js'),
  codemod: () => import('../codemods/cli.js'),
};

/** The package's own version: package.json sits two folders up from dist/bin/. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`tfjs-layer-decay: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return (await load()).main(rest);
}

run(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`tfjs-layer-decay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

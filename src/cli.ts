#!/usr/bin/env node
// The `tfjs-layer-decay` command. Each subcommand lives with the code it drives and exports
// main(argv) -> exit code; this file only dispatches, so the library entry never loads Node-only code.
const USAGE = `usage: tfjs-layer-decay <command> [options]

commands:
  inspect <model.json> --decay <d> [--arch auto|vit|beit|bert|convnext|swin|sequential] [--granularity block|group|stage]
          [--num-layers n] [--weight-decay wd] [--no-weight-decay globs] [--min-scale s] [--freeze-below s] [--variables] [--json]
      print the layer-decay groups of a saved tfjs model (reads topology and weight manifest only)
  codemod <paths or globs...> --decay <d> [--arch ...] [--dry] [--diff] [--json <report>] [--force] [--todo]
      convert single-learning-rate tfjs training code to the layer-decay form
`;

const commands: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  inspect: () => import('./layer-decay/inspect-command.js'),
  codemod: () => import('../codemods/cli.js'),
};

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`tfjs-layer-decay: unknown command '${name}'\n${USAGE}`);
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

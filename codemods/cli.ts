// `tfjs-layer-decay codemod <paths or globs...> --decay 0.75 [...]`: arguments, the run, the
// summary, the exit code. Exit codes are honest (jscodeshift exits 0 on errors, a common
// complaint): 0 the run finished, even with sites left unconverted; 1 a file did not parse or
// could not be read or written, or the report could not be written; 2 bad usage, no file matched,
// or a work tree with uncommitted changes and no --force (nothing was written).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ARCH_NAMES } from '../src/layer-decay/resolvers/resolver.js';
import { formatReport } from './report.js';
import { runCodemod } from './runner.js';

const ARCHES: readonly string[] = ['auto', ...ARCH_NAMES];

const USAGE = `usage: tfjs-layer-decay codemod <paths or globs...> --decay <d> [options]

Converts single-learning-rate tfjs optimizers (tf.train.<rule>(...), model.compile({optimizer: 'adam'}))
in files that import @tensorflow/tfjs, -node, -node-gpu, -core or -layers to layer-wise learning-rate
decay, with the groups of the tfjs model the optimizer trains:
  JavaScript  tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.001), after install(tf)
  TypeScript  groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [0.001])
              (JavaScript too where the file has no tf.train, as with tfjs-layers alone)
Reads .ts .tsx .js .jsx .mjs .cjs; skips node_modules and what .gitignore ignores.
Sites it cannot convert safely are left as they are and reported with file, line and reason.

options:
  --decay <d>        the decay per layer, 0 < d <= 1 (required)
  --arch <name>      ${ARCHES.join('|')} (default auto)
  --dry              write nothing
  --diff             print a unified diff of every change
  --json <file>      write the report as JSON (- for stdout)
  --force            write even into a git work tree with uncommitted changes
  --todo             mark each site left unconverted with a TODO(tfjs-layer-decay) comment
  -h, --help         this text

exit codes: 0 done (sites may be left unconverted), 1 a file failed to parse or write (or the
report), 2 bad usage, no matching file, or uncommitted changes without --force
`;

interface Io { stdout: (text: string) => void; stderr: (text: string) => void; cwd: string }

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        decay: { type: 'string' },
        arch: { type: 'string' },
        dry: { type: 'boolean', default: false },
        diff: { type: 'boolean', default: false },
        json: { type: 'string' },
        force: { type: 'boolean', default: false },
        todo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length === 0) return usageError(io, 'no paths given');
  if (values.decay === undefined) return usageError(io, '--decay is required');
  const decay = Number(values.decay);
  if (values.decay.trim() === '' || !Number.isFinite(decay) || decay <= 0 || decay > 1) {
    return usageError(io, `--decay must be a number in (0, 1], got '${values.decay}'`);
  }
  if (values.arch !== undefined && !ARCHES.includes(values.arch)) {
    return usageError(io, `--arch must be one of ${ARCHES.join(', ')}, got '${values.arch}'`);
  }

  // The diff library is loaded only for --diff.
  const createTwoFilesPatch = values.diff ? (await import('diff')).createTwoFilesPatch : undefined;
  const outcome = await runCodemod({
    patterns: positionals,
    cwd: io.cwd,
    transform: { decay, arch: values.arch, todo: values.todo },
    dry: values.dry,
    force: values.force,
    onChange: createTwoFilesPatch ? (path, before, after) => io.stdout(createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after)) : undefined,
  });
  if (outcome.kind === 'no-files') {
    io.stderr(`tfjs-layer-decay codemod: no .ts .tsx .js .jsx .mjs .cjs file matches ${outcome.unmatched.map((p) => `'${p}'`).join(', ')}\n`);
    return 2;
  }
  if (outcome.kind === 'dirty') {
    const trees = outcome.trees.map((tree) => `  ${tree.root} (${tree.changes.length} uncommitted change${tree.changes.length === 1 ? '' : 's'})`);
    io.stderr(`tfjs-layer-decay codemod: refusing to write into a git work tree with uncommitted changes:\n${trees.join('\n')}\n`
      + 'commit or stash them first, or pass --force (or --dry to preview); nothing was written\n');
    return 2;
  }
  for (const pattern of outcome.unmatched) io.stderr(`tfjs-layer-decay codemod: warning: '${pattern}' matches no source file\n`);
  const { report } = outcome;
  const summary = formatReport(report, values.dry);
  if (values.json === '-') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    io.stderr(summary);
  } else {
    (values.diff ? io.stderr : io.stdout)(summary);
    if (values.json !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, values.json), `${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        io.stderr(`tfjs-layer-decay codemod: cannot write the report to ${values.json}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    }
  }
  return report.summary.filesWithErrors > 0 ? 1 : 0;
}

function usageError(io: Io, message: string): number {
  io.stderr(`tfjs-layer-decay codemod: ${message}\n\n${USAGE}`);
  return 2;
}

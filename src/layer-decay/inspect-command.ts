// `tfjs-layer-decay inspect <path/to/model.json> --decay 0.75 [--arch ...] [--json]`: the
// layer-decay groups of a saved tfjs-layers model, from its model.json alone (topology and
// weightsManifest; the shapes come from the manifest, the weight files are not read). A model saved
// with {includeOptimizer: true} also lists the optimizer's state in its manifest (group
// 'optimizer': slots, iterations): that is not the model's, and is left out.
// Exit codes: 0 printed; 1 the model does not fit the options or is not a model.json; 2 usage: an
// unknown option, a bad value, a missing file (one line on stderr, never a stack).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { layerDecayGroups, type ArchChoice, type LayerDecayOptions } from './layer-decay-groups.js';
import { describeGroups } from './describe-groups.js';
import { checkDecay, checkNumLayers } from './layer-scales.js';
import { ARCH_NAMES, GRANULARITIES, type Granularity } from './resolvers/resolver.js';
import type { ModelJsonLike } from './param-source.js';

const ARCH_CHOICES: readonly string[] = ['auto', ...ARCH_NAMES];

const USAGE = `usage: tfjs-layer-decay inspect <model.json or its folder> --decay <d> [options]

  --decay <d>             layer-wise decay in (0, 1] (required)
  --arch <name>           ${ARCH_CHOICES.join(', ')} (default auto)
  --granularity <g>       convnext, swin, resnet, efficientnet: ${GRANULARITIES.join(', ')} (default ${GRANULARITIES[0]})
  --num-layers <n>        the top layer's id (default: what the names imply)
  --weight-decay <w>      weight decay of the decay groups (>= 0)
  --no-weight-decay <glob>  a name with no weight decay (repeatable; replaces the arch's list)
  --min-scale <s>         floor for the scales, in [0, 1]
  --freeze-below <s>      layers with a smaller scale get lrScale 0, in [0, 1]
  --variables             also list every variable with its layer and group
  --json                  print JSON instead of the table
  -h, --help              this text
`;

export interface CommandOutput { stdout(text: string): void; stderr(text: string): void }

const processOutput: CommandOutput = {
  stdout: (t) => { process.stdout.write(t); },
  stderr: (t) => { process.stderr.write(t); },
};

/** A bad command line: exit 2, with the usage text unless the line was well formed (a missing file). */
class UsageError extends Error {
  constructor(message: string, readonly showUsage = true) { super(message); }
}

export async function main(argv: string[], out: CommandOutput = processOutput): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        decay: { type: 'string' },
        arch: { type: 'string' },
        granularity: { type: 'string' },
        'num-layers': { type: 'string' },
        'weight-decay': { type: 'string' },
        'no-weight-decay': { type: 'string', multiple: true },
        'min-scale': { type: 'string' },
        'freeze-below': { type: 'string' },
        variables: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(out, (error as Error).message);
  }
  if (values.help) { out.stdout(USAGE); return 0; }
  let options: LayerDecayOptions;
  let modelJson: ModelJsonLike;
  try {
    if (positionals.length !== 1) throw new UsageError('give exactly one model.json path');
    if (values.decay === undefined) throw new UsageError('--decay is required');
    options = {
      decay: usage(() => checkDecay(number(values.decay!, '--decay'), '--decay')),
      arch: oneOf(values.arch ?? 'auto', ARCH_CHOICES, '--arch') as ArchChoice,
      granularity: oneOf(values.granularity ?? GRANULARITIES[0], GRANULARITIES, '--granularity') as Granularity,
      warn: () => {}, // the table lists the names that fit no rule
    };
    if (values['num-layers'] !== undefined) options.numLayers = usage(() => checkNumLayers(number(values['num-layers']!, '--num-layers'), '--num-layers'));
    if (values['weight-decay'] !== undefined) options.weightDecay = inRange(values['weight-decay'], '--weight-decay', Infinity);
    if (values['no-weight-decay'] !== undefined) options.noWeightDecay = values['no-weight-decay'];
    if (values['min-scale'] !== undefined) options.minScale = inRange(values['min-scale'], '--min-scale', 1);
    if (values['freeze-below'] !== undefined) options.freezeBelow = inRange(values['freeze-below'], '--freeze-below', 1);
    modelJson = await readModelJson(positionals[0]!);
  } catch (error) {
    if (error instanceof UsageError) return usageError(out, error.message, error.showUsage);
    out.stderr(`inspect: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const described = describeGroups(layerDecayGroups(modelJson, options));
    if (values.json) {
      const { table: _table, assignments, ...data } = described;
      out.stdout(`${JSON.stringify(values.variables ? { ...data, assignments } : data, null, 2)}\n`);
    } else {
      out.stdout(`${described.table}\n`);
      if (values.variables && described.assignments) out.stdout(`\n${variablesTable(described.assignments)}\n`);
    }
    return 0;
  } catch (error) {
    out.stderr(`inspect: ${(error as Error).message}\n`);
    return 1;
  }
}

function usageError(out: CommandOutput, message: string, showUsage = true): number {
  out.stderr(`inspect: ${message}\n${showUsage ? `\n${USAGE}` : ''}`);
  return 2;
}

/** A check of the library's that throws on a bad value, as a usage error. */
function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} must be a number, got '${text}'`);
  return value;
}

function inRange(text: string, flag: string, max: number): number {
  const value = number(text, flag);
  if (value < 0 || value > max) throw new UsageError(`${flag} must be ${max === Infinity ? '>= 0' : `in [0, ${max}]`}, got ${text}`);
  return value;
}

function oneOf(text: string, choices: readonly string[], flag: string): string {
  if (!choices.includes(text)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${text}'`);
  return text;
}

async function readModelJson(path: string): Promise<ModelJsonLike> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'model.json');
  } catch {
    throw new UsageError(`no such file: ${path}`, false);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new UsageError(`no such file: ${file}`, false) : new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const j = json as ModelJsonLike;
  if (typeof j !== 'object' || j === null || !j.modelTopology || !Array.isArray(j.weightsManifest)) {
    throw new Error(`${file} is not a tfjs model.json: it needs modelTopology and weightsManifest`);
  }
  return withoutOptimizerWeights(j);
}

/** The manifest without the optimizer's state that {includeOptimizer: true} saves beside the weights. */
function withoutOptimizerWeights(json: ModelJsonLike): ModelJsonLike {
  type Spec = NonNullable<ModelJsonLike['weightsManifest']>[number]['weights'][number] & { group?: string };
  const weightsManifest = json.weightsManifest!.map((entry) => ({
    ...entry, weights: entry.weights.filter((spec: Spec) => spec.group !== 'optimizer'),
  }));
  return { ...json, weightsManifest };
}

function variablesTable(assignments: ReadonlyArray<{ name: string; layerId: number; lrScale: number; weightDecay: boolean; group: string | null; shape: number[] }>): string {
  const rows = [['variable', 'shape', 'layer', 'lrScale', 'decay', 'group']];
  for (const a of assignments) {
    rows.push([a.name, `[${a.shape.join(',')}]`, String(a.layerId), String(Number(a.lrScale.toPrecision(6))), a.weightDecay ? 'yes' : 'no', a.group ?? '(not trained)']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

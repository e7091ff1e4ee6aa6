// `tfjs-layer-decay inspect <path/to/model.json> --decay 0.75 [--arch ...] [--json]`: the
// layer-decay groups of a saved tfjs-layers model, from its model.json alone (topology and
// weightsManifest; the shapes come from the manifest, the weight files are not read).
// Exit codes: 0 printed, 1 the model or the options do not fit (message on stderr), 2 usage.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { layerDecayGroups, type ArchChoice, type LayerDecayOptions } from './layer-decay-groups.js';
import { describeGroups } from './describe-groups.js';
import type { Granularity } from './resolvers/resolver.js';
import type { ModelJsonLike } from './param-source.js';

const USAGE = `usage: tfjs-layer-decay inspect <model.json or its folder> --decay <d> [options]

  --decay <d>             layer-wise decay in (0, 1] (required)
  --arch <name>           auto (default), vit, beit, bert, convnext, swin, sequential
  --granularity <g>       convnext / swin: block (default), group, stage
  --num-layers <n>        the top layer's id (default: what the names imply)
  --weight-decay <w>      weight decay of the decay groups
  --no-weight-decay <glob>  a name with no weight decay (repeatable; replaces the arch's list)
  --min-scale <s>         floor for the scales
  --freeze-below <s>      layers with a smaller scale get lrScale 0
  --variables             also list every variable with its layer and group
  --json                  print JSON instead of the table
`;

export interface CommandOutput { stdout(text: string): void; stderr(text: string): void }

const processOutput: CommandOutput = {
  stdout: (t) => { process.stdout.write(t); },
  stderr: (t) => { process.stderr.write(t); },
};

export async function main(argv: string[], out: CommandOutput = processOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
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
    });
  } catch (error) {
    out.stderr(`inspect: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { out.stdout(USAGE); return 0; }
  if (positionals.length !== 1 || values.decay === undefined) {
    out.stderr(`inspect: ${positionals.length !== 1 ? 'give exactly one model.json path' : '--decay is required'}\n${USAGE}`);
    return 2;
  }
  try {
    const options: LayerDecayOptions = {
      decay: number(values.decay, '--decay'),
      arch: (values.arch ?? 'auto') as ArchChoice,
      granularity: (values.granularity ?? 'block') as Granularity,
      warn: () => {}, // the table lists the names that fit no rule
    };
    if (values['num-layers'] !== undefined) options.numLayers = number(values['num-layers'], '--num-layers');
    if (values['weight-decay'] !== undefined) options.weightDecay = number(values['weight-decay'], '--weight-decay');
    if (values['no-weight-decay'] !== undefined) options.noWeightDecay = values['no-weight-decay'];
    if (values['min-scale'] !== undefined) options.minScale = number(values['min-scale'], '--min-scale');
    if (values['freeze-below'] !== undefined) options.freezeBelow = number(values['freeze-below'], '--freeze-below');
    const modelJson = await readModelJson(positionals[0]!);
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

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${flag} must be a number, got '${text}'`);
  return value;
}

async function readModelJson(path: string): Promise<ModelJsonLike> {
  const file = (await stat(path)).isDirectory() ? join(path, 'model.json') : path;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const j = json as { modelTopology?: unknown; weightsManifest?: unknown };
  if (typeof j !== 'object' || j === null || !j.modelTopology || !Array.isArray(j.weightsManifest)) {
    throw new Error(`${file} is not a tfjs model.json: it needs modelTopology and weightsManifest`);
  }
  return json as ModelJsonLike;
}

function variablesTable(assignments: ReadonlyArray<{ name: string; layerId: number; lrScale: number; weightDecay: boolean; group: string | null; shape: number[] }>): string {
  const rows = [['variable', 'shape', 'layer', 'lrScale', 'decay', 'group']];
  for (const a of assignments) {
    rows.push([a.name, `[${a.shape.join(',')}]`, String(a.layerId), String(Number(a.lrScale.toPrecision(6))), a.weightDecay ? 'yes' : 'no', a.group ?? '(not trained)']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

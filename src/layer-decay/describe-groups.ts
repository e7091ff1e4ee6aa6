// describeGroups: what the optimizer will do with each group, as rows (data) and as a plain
// aligned text table (for a terminal or a log). The same table is what `tfjs-layer-decay inspect`
// prints. Works on any GroupSpec[]; on the result of layerDecayGroups it also shows the layer ids,
// the architecture that gave them, and the names that fit no rule (never hidden in the top layer).
import type { GroupSpec, ParamRef } from '../groups.js';
import type { LayerDecayGroups, ParamAssignment } from './layer-decay-groups.js';
import { ranges } from './group-names.js';
import { describeVerdict } from './no-weight-decay.js';

export interface GroupRow {
  group: string;
  /** Layer ids as text ('3', '0-2'); '' when unknown (a group not made by layerDecayGroups). */
  layers: string;
  layerIds: number[] | null;
  variables: string[];
  /** Number of scalars in the group; null when some params are names or patterns without a shape. */
  parameterCount: number | null;
  lrScale: number;
  /** null: the group sets none, so the optimizer's default applies. */
  weightDecay: number | null;
}

export interface GroupsDescription {
  arch: string | null;
  archReason: string | null;
  numLayers: number | null;
  decay: number | null;
  rows: GroupRow[];
  /** Names that fit no layer rule (they were put in the top layer). */
  unmatched: string[];
  /** Parameters in no group: frozen, non-trainable or not float32. */
  untrained: string[];
  /** Each trained parameter with no weight decay and why: '1-D', or which glob of the no-weight-decay list matched its variable or layer name. */
  noWeightDecay: Array<{ name: string; why: string }>;
  /** Every parameter with its layer, scale and group (layerDecayGroups results only). */
  assignments: readonly ParamAssignment[] | null;
  table: string;
}

export function describeGroups(groups: readonly GroupSpec[] | LayerDecayGroups): GroupsDescription {
  const meta = isLayerDecayGroups(groups) ? groups : null;
  const rows = groups.map((spec, index) => rowOf(spec, index));
  const description: Omit<GroupsDescription, 'table'> = {
    arch: meta?.arch ?? null,
    archReason: meta?.archReason ?? null,
    numLayers: meta?.numLayers ?? null,
    decay: meta?.decay ?? null,
    rows,
    unmatched: meta ? [...meta.unmatched] : [],
    untrained: meta ? meta.assignments.filter((a) => !a.trainable).map((a) => a.name) : [],
    noWeightDecay: meta ? meta.assignments.filter((a) => a.trainable && a.noDecay).map((a) => ({ name: a.name, why: describeVerdict(a.noDecay!, a.layer) })) : [],
    assignments: meta?.assignments ?? null,
  };
  return { ...description, table: formatTable(description) };
}

function isLayerDecayGroups(groups: readonly GroupSpec[]): groups is LayerDecayGroups {
  return Array.isArray((groups as LayerDecayGroups).assignments) && typeof (groups as LayerDecayGroups).numLayers === 'number';
}

function rowOf(spec: GroupSpec, index: number): GroupRow {
  const layerIds = Array.isArray(spec.layerIds) ? [...(spec.layerIds as number[])] : null;
  const known = Array.isArray(spec.paramNames) ? (spec.paramNames as string[]) : null;
  const refs = (Array.isArray(spec.params) ? spec.params : [spec.params]) as ParamRef[];
  const fromRefs = refs.flatMap(describeRef);
  const counted = typeof spec.parameterCount === 'number' ? spec.parameterCount : fromRefs.some((r) => r.size === null) ? null : fromRefs.reduce((s, r) => s + r.size!, 0);
  return {
    group: spec.name ?? `group_${index}`,
    layers: layerIds ? ranges([...layerIds].sort((a, b) => a - b)) : '',
    layerIds,
    variables: known ? [...known] : fromRefs.map((r) => r.name),
    parameterCount: counted,
    lrScale: spec.lrScale ?? spec.lr_scale ?? 1,
    weightDecay: spec.weightDecay ?? null,
  };
}

function describeRef(ref: ParamRef): Array<{ name: string; size: number | null }> {
  if (typeof ref === 'string') return [{ name: ref, size: null }];
  if (ref instanceof RegExp) return [{ name: String(ref), size: null }];
  if ('trainableWeights' in ref) return ref.trainableWeights.flatMap((w) => describeRef(w as unknown as ParamRef));
  const shape = (ref as { shape?: number[] }).shape;
  return [{ name: ref.name, size: Array.isArray(shape) ? shape.reduce((a, b) => a * b, 1) : null }];
}

/** Six significant digits, no trailing zeros: 0.31640625 -> '0.316406'. */
export function formatScale(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function formatTable(d: Omit<GroupsDescription, 'table'>): string {
  const lines: string[] = [];
  if (d.decay !== null && d.numLayers !== null) {
    const arch = d.arch ? `arch ${d.arch} (${d.archReason})` : `no arch (${d.archReason})`;
    lines.push(`layer decay ${d.decay}, layers 0..${d.numLayers}, ${arch}`);
  }
  const header = ['group', 'layers', 'variables', 'parameters', 'lrScale', 'weightDecay'];
  const body = d.rows.map((r) => [
    r.group, r.layers, String(r.variables.length), r.parameterCount === null ? '?' : String(r.parameterCount),
    formatScale(r.lrScale), r.weightDecay === null ? 'default' : String(r.weightDecay),
  ]);
  const known = d.rows.every((r) => r.parameterCount !== null);
  const total = ['total', '', String(d.rows.reduce((s, r) => s + r.variables.length, 0)), known ? String(d.rows.reduce((s, r) => s + r.parameterCount!, 0)) : '?', '', ''];
  // Text columns are left-aligned, numbers right-aligned.
  const leftAligned = [true, true, false, false, false, false];
  const all = [header, ...body, total];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const render = (row: string[]) => row.map((cell, c) => (leftAligned[c] ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  lines.push(render(header), ...body.map(render), render(total));
  const listed = d.noWeightDecay.filter((x) => x.why !== '1-D');
  if (d.noWeightDecay.length > 0) {
    const oneDim = d.noWeightDecay.length - listed.length;
    lines.push(`no weight decay: ${oneDim} variable(s) 1-D${listed.length > 0 ? `, ${listed.length} in the no-weight-decay list:` : ''}`);
    const width = Math.max(...listed.map((x) => x.name.length));
    for (const x of listed) lines.push(`  ${x.name.padEnd(width)}  ${x.why}`);
  }
  if (d.untrained.length > 0) {
    lines.push(`not trained (frozen or non-trainable, in no group): ${d.untrained.length} variable(s)`);
  }
  if (d.unmatched.length > 0) {
    lines.push(`names that fit no rule, put in the top layer ${d.numLayers} (scale 1): ${d.unmatched.length}`);
    for (const name of d.unmatched) lines.push(`  ${name}`);
  }
  return lines.join('\n');
}

// bench/results.json: every benchmark row, kept across runs that measure only some of them
// (`npm run bench -- --backends=cpu`, `npm run bench:browser`). A row is identified by where it ran
// (runtime: absent for Node, 'chromium' for the browser), backend, parameter set and impl; a new
// measurement replaces the old row in place, anything else is appended.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FILE = join(resolve(import.meta.dirname, '..'), 'bench/results.json');
const key = (row) => [row.runtime ?? 'node', row.backend, row.paramSet, row.impl].join('|');

/** Writes `rows` into bench/results.json; returns the number of rows the file now holds. */
export function saveRows(rows) {
  const saved = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : [];
  const fresh = new Map(rows.map((r) => [key(r), r]));
  const merged = saved.map((r) => fresh.get(key(r)) ?? r);
  const kept = new Set(saved.map(key));
  merged.push(...rows.filter((r) => !kept.has(key(r))));
  writeFileSync(FILE, JSON.stringify(merged, null, 2) + '\n');
  return merged.length;
}

// The benchmark's table: each row with its ratios to stock, to the floor and to the copy ceiling of
// its backend and set (rows of the same runtime: Node, or Chromium for the browser benchmark).
export const fixed = (x, digits) => (x === null || x === undefined ? '-' : x.toFixed(digits));

/** The table, with each row compared to stock, to the floor and to the copy ceiling of its backend and set. */
export function table(rows) {
  const columns = ['backend', 'paramSet', 'impl', 'groups', 'ms/step', 'dispatches', 'GB/s', 'copy GB/s', 'vs stock', 'vs floor', 'vs copy'];
  const widths = [7, 10, 14, 6, 10, 10, 7, 9, 9, 9, 8];
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' ').trimEnd();
  const out = [line(columns)];
  for (const row of rows) {
    const other = (impl) => rows.find((r) => r.backend === row.backend && r.paramSet === row.paramSet && r.impl === impl)?.msPerStep;
    const stock = other('stock');
    const floor = other('floor');
    const ms = row.msPerStep;
    out.push(line([
      row.backend, row.paramSet, row.impl, row.groups, fixed(ms, 1), row.dispatchesPerStep ?? '-', fixed(row.gbPerS, 2), fixed(row.copyGbPerS, 1),
      ms && stock && row.impl !== 'stock' ? `${(stock / ms).toFixed(1)}x less` : '-',
      ms && floor && row.impl !== 'floor' ? `${(ms / floor).toFixed(2)}x` : '-',
      ms && row.gbPerS ? `${(row.copyGbPerS / row.gbPerS).toFixed(1)}x` : '-',
    ]) + (row.skipped ? `  (skipped: ${row.skipped})` : ''));
  }
  return out.join('\n');
}

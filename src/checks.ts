// The small checks every user-facing entry point shares: how a bad value is described, the
// non-negative number check, and the did-you-mean hint for a misspelled key.

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  const name = (v as object).constructor?.name;
  if (name === 'Object') return 'an object';
  return name ? `a ${name}` : typeof v;
}

/** `what must be a finite number >= 0`: the one check for rates, scales and decays. */
export function checkNonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a finite number >= 0, got ${describeValue(value)}`);
  }
  return value;
}

/** `unknown option 'x' (did you mean 'y'?); known options: ...` for a key that is not in `known`. */
export function unknownKeyMessage(kind: string, key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return `unknown ${kind} '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; known ${kind}s: ${known.join(', ')}`;
}

/** The known key closest to `key`: the same up to case and underscores, or within two edits. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/_/g, '');
  const same = known.find((k) => squash(k) === squash(key));
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

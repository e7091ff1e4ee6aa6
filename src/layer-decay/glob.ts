// Glob patterns for parameter names (the noWeightDecay option): `*` any run of characters
// (separators included, since names are not paths here), `?` one character, everything else
// literal. A pattern matches the whole name.
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`);
    cache.set(glob, re);
  }
  return re;
}

/** True when any glob matches any of the spellings of a name (as given, or canonical). */
export function matchesAnyGlob(globs: readonly string[], spellings: readonly string[]): string | undefined {
  return globs.find((g) => spellings.some((s) => globToRegExp(g).test(s)));
}

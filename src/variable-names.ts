// How a name given by the user (or saved in a checkpoint) meets the name of a live tf.Variable.
// tfjs-layers names a variable that is created while its name is taken with a suffix `_<n>` (a model
// loaded again in one process: `dense/kernel_1`, `dense/kernel_2`). Names that differ only by that
// suffix share a stem (`dense/kernel`). An exact name always wins; a name meets another one by its
// stem only where the exact one cannot be had (see GroupLookup and SlotStore for when).

const RELOAD_SUFFIX = /_\d+$/;

/** `dense/kernel_1` -> `dense/kernel`: the name without a trailing `_<n>`. */
export function withoutUniqueSuffix(name: string): string {
  return name.replace(RELOAD_SUFFIX, '');
}

/** The one way a RegExp is matched against a name: from the start of the string, whatever its flags. */
export function matchPattern(pattern: RegExp, name: string): RegExpExecArray | null {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return pattern.exec(name);
}

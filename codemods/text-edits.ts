// Edits as text ranges over the original source. All analysis runs on one parse of the original
// text; the edits are applied afterwards, from the end backwards, so every position stays valid and
// every byte outside an edit is kept (ts-morph's printer would reformat, and editing the tree
// re-parses the file on every change).

export interface TextEdit {
  /** Offset in the original text where the replaced range starts. */
  start: number;
  /** Offset where it ends (exclusive); equal to start for an insertion. */
  end: number;
  text: string;
}

export const insertAt = (position: number, text: string): TextEdit => ({ start: position, end: position, text });
export const replaceRange = (start: number, end: number, text: string): TextEdit => ({ start, end, text });

/**
 * Applies the edits to the text they were planned on. Insertions at the same position come out in
 * the order they were planned. Overlapping replacements are a planning bug and throw.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.order - a.order);
  let result = text;
  let limit = text.length;
  for (const { edit } of ordered) {
    if (edit.start < 0 || edit.end < edit.start || edit.end > limit) {
      throw new Error(`overlapping or out-of-range edit [${edit.start}, ${edit.end})`);
    }
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

// With --todo, each site left as it was gets `// TODO(tfjs-layer-decay): <reason>` on the line
// above its statement, so the work left is findable in the code. A comment already there is not
// added again.
import { Node } from './ts-morph.cjs';
import type { SourceFile } from 'ts-morph';
import type { UnconvertedSite } from './sites.js';
import { insertAt, type TextEdit } from './text-edits.js';

export const TODO_MARK = 'TODO(tfjs-layer-decay)';

export function todoComment(reason: string): string {
  return `// ${TODO_MARK}: ${reason.replace(/\s+/g, ' ')}`;
}

export function todoEdits(sourceFile: SourceFile, sites: readonly UnconvertedSite[], newline: string): TextEdit[] {
  const text = sourceFile.getFullText();
  const planned = new Set<string>();
  const edits: TextEdit[] = [];
  for (const site of sites) {
    const holder = site.node.getFirstAncestor((ancestor) =>
      (Node.isStatement(ancestor) && !Node.isBlock(ancestor)) || Node.isPropertyDeclaration(ancestor)) ?? site.node;
    const start = holder.getStart(true);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const before = text.slice(lineStart, start);
    const comment = todoComment(site.reason);
    const previousLine = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, Math.max(lineStart - 1, 0));
    if (previousLine.trimEnd().endsWith(comment) || planned.has(`${start}\0${comment}`)) continue;
    planned.add(`${start}\0${comment}`);
    const indent = /^\s*/.exec(before)![0];
    edits.push(before.trim() === ''
      ? insertAt(lineStart, `${indent}${comment}${newline}`)
      : insertAt(start, `${comment}${newline}${indent}`));
  }
  return edits;
}

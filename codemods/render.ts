// The text that replaces a converted site. Two shapes, one per language:
// - JavaScript: `tf.train.adam(layerDecayGroups(model, { decay: 0.75 }), 0.001)`, which works once
//   install(tf) has taught tf.train to take groups first.
// - TypeScript: `groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [0.001])`.
//   tfjs declares tf.train.adam as a static method taking a number, and a static method cannot be
//   given another overload by module augmentation (TS2300), so the JavaScript shape would not
//   type-check; groupedOptimizer builds the same optimizer and is typed.
// Only the inserted text is new: the original arguments keep their bytes, comments included.
import { SyntaxKind } from './ts-morph.cjs';
import type { CallExpression } from 'ts-morph';
import type { CompileStringSite, FactorySite } from './sites.js';
import { insertAt, replaceRange, type TextEdit } from './text-edits.js';

export type OutputStyle = 'train-factory' | 'grouped-optimizer';

export interface RenderNames {
  /** How the file calls layerDecayGroups (a local name or `ns.layerDecayGroups`). */
  layerDecayGroups: string;
  /** groupedOptimizer, for the TypeScript shape. */
  groupedOptimizer?: string;
  /** The expression naming tf.train (`tf.train`, `train`), for compile strings in the JavaScript shape. */
  train?: string;
}

export interface RenderOptions {
  style: OutputStyle;
  decay: number;
  arch?: string;
  quote: string;
  newline: string;
}

export function groupsCall(source: string, names: RenderNames, options: RenderOptions): string {
  const arch = options.arch && options.arch !== 'auto' ? `, arch: ${options.quote}${options.arch}${options.quote}` : '';
  return `${names.layerDecayGroups}(${source}, { decay: ${options.decay}${arch} })`;
}

function argumentListBounds(call: CallExpression): { open: number; close: number } {
  return {
    open: call.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken).getEnd(),
    close: call.getLastChildByKindOrThrow(SyntaxKind.CloseParenToken).getStart(),
  };
}

export function factoryEdit(site: FactorySite, names: RenderNames, options: RenderOptions): TextEdit {
  const groups = groupsCall(site.groupsSource, names, options);
  const call = site.call;
  const { open, close } = argumentListBounds(call);
  const text = call.getSourceFile().getFullText();
  if (options.style === 'grouped-optimizer') {
    const quoted = `${options.quote}${site.rule}${options.quote}`;
    return replaceRange(call.getStart(), call.getEnd(), `${names.groupedOptimizer}(${quoted}, ${groups}, [${text.slice(open, close)}])`);
  }
  const [first] = call.getArguments();
  if (!first) return insertAt(open, groups);
  const gap = text.slice(open, first.getStart());
  const lineBreak = gap.indexOf('\n');
  if (lineBreak >= 0) {
    // Arguments one per line stay one per line: the groups get the first line, indented like the next.
    const lineStart = text.lastIndexOf('\n', first.getStart() - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    return insertAt(open + lineBreak + 1, `${indent}${groups},${options.newline}`);
  }
  // A comment before the first argument (`/* lr */ 0.01`) stays with it.
  return gap.trim() === '' ? insertAt(first.getStart(), `${groups}, `) : insertAt(open, `${groups}, `);
}

export function compileStringEdit(site: CompileStringSite, names: RenderNames, options: RenderOptions): TextEdit {
  const groups = groupsCall(site.groupsSource, names, options);
  const optimizer = options.style === 'grouped-optimizer'
    ? `${names.groupedOptimizer}(${options.quote}${site.rule}${options.quote}, ${groups}, [${site.learningRate}])`
    : `${names.train}.${site.rule}(${groups}, ${site.learningRate})`;
  return replaceRange(site.value.getStart(), site.value.getEnd(), site.shorthand ? `optimizer: ${optimizer}` : optimizer);
}

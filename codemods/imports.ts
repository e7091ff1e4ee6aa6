// The imports and the install call a converted file needs: `import { install, layerDecayGroups }
// from 'tfjs-layer-decay'` (or a require in CommonJS) after the file's imports, and `install(tf)`
// once. Names the file already imports are reused, so a second run adds nothing.
import { Node } from './ts-morph.cjs';
import { PACKAGE_NAME, firstTrainNamespace, type Bindings } from './bindings.js';
import type { SymbolIndex } from './references.js';
import type { OutputStyle, RenderNames } from './render.js';
import { insertAt, type TextEdit } from './text-edits.js';

/** Local names used when the plain name is taken in the file. */
const FALLBACK_NAMES: Record<string, string> = {
  install: 'installLayerDecay',
  layerDecayGroups: 'tfjsLayerDecayGroups',
  groupedOptimizer: 'layerDecayOptimizer',
};

export interface FileStyle { quote: string; semicolon: string; newline: string }

/** How the file names tf.train, adding `train` to a tfjs import when it has only named ones. */
export function trainAccess(bindings: Bindings, index: SymbolIndex): { text: string; edit?: TextEdit } | undefined {
  const namespace = firstTrainNamespace(bindings);
  if (namespace) return { text: `${namespace}.train` };
  const [train] = bindings.trainNames;
  if (train) return { text: train };
  const list = bindings.tfjsNameList;
  if (!list || index.uses('train')) return undefined;
  return { text: 'train', edit: list.lastElementEnd === undefined ? insertAt(list.open, ' train ') : insertAt(list.lastElementEnd, ', train') };
}

export interface ImportPlan { names: RenderNames; edits: TextEdit[] }

export function planImports(bindings: Bindings, index: SymbolIndex, style: OutputStyle, fileStyle: FileStyle): ImportPlan | { reason: string } {
  const pkg = bindings.packageBindings;
  const exportsNeeded = style === 'train-factory' ? ['install', 'layerDecayGroups'] : ['groupedOptimizer', 'layerDecayGroups'];
  const expressions = new Map<string, string>();
  const additions: { exported: string; local: string }[] = [];
  for (const exported of exportsNeeded) {
    const local = pkg.named.get(exported);
    if (local) expressions.set(exported, local);
    else if (pkg.namespace) expressions.set(exported, `${pkg.namespace}.${exported}`);
    else {
      const name = [exported, FALLBACK_NAMES[exported]!].find((candidate) => !index.uses(candidate));
      if (!name) return { reason: `the names '${exported}' and '${FALLBACK_NAMES[exported]}' are both taken in this file` };
      expressions.set(exported, name);
      additions.push({ exported, local: name });
    }
  }
  const edits: TextEdit[] = [];
  const names: RenderNames = { layerDecayGroups: expressions.get('layerDecayGroups')!, groupedOptimizer: expressions.get('groupedOptimizer') };
  let installTarget: string | undefined;
  if (style === 'train-factory') {
    const train = trainAccess(bindings, index);
    if (!train) return { reason: 'no tfjs namespace or train import in this file to install into' };
    if (train.edit) edits.push(train.edit);
    names.train = train.text;
    installTarget = firstTrainNamespace(bindings) ?? (train.text === 'train' ? '{ train }' : `{ train: ${train.text} }`);
  }

  const { quote, semicolon, newline } = fileStyle;
  const install = expressions.get('install');
  const installCall = install && !isCalled(index, install) ? `${install}(${installTarget})${semicolon}` : undefined;
  const esm = pkg.statement ? Node.isImportDeclaration(pkg.statement) || Node.isImportEqualsDeclaration(pkg.statement) : bindings.moduleSystem === 'esm';
  const specifiers = additions
    .map(({ exported, local }) => (exported === local ? exported : esm ? `${exported} as ${local}` : `${exported}: ${local}`))
    .join(', ');
  let newStatement: string | undefined;
  if (additions.length && pkg.list) {
    edits.push(pkg.list.lastElementEnd === undefined ? insertAt(pkg.list.open, ` ${specifiers} `) : insertAt(pkg.list.lastElementEnd, `, ${specifiers}`));
  } else if (additions.length) {
    const module = `${quote}${PACKAGE_NAME}${quote}`;
    newStatement = esm
      ? `import { ${specifiers} } from ${module}${semicolon}`
      : `const { ${specifiers} } = require(${module})${semicolon}`;
  }
  if (newStatement === undefined && installCall === undefined) return { names, edits };

  // After every import (imports are hoisted) and after the statement that binds tfjs (a require
  // or `await import()` runs in order): install(tf) must run before any optimizer is built.
  const anchor = [bindings.lastImport, pkg.statement, bindings.tfjsStatement]
    .filter((statement) => statement !== undefined)
    .reduce<Node | undefined>((latest, statement) => (latest === undefined || statement.getEnd() > latest.getEnd() ? statement : latest), undefined);
  if (!anchor) return { reason: 'no import or require of tfjs to put the new import after' };
  if (newStatement !== undefined && esm && !Node.isSourceFile(anchor.getParent())) {
    return { reason: 'tfjs is imported inside a function; add the import of tfjs-layer-decay by hand' };
  }
  const text = anchor.getSourceFile().getFullText();
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', anchor.getStart() - 1) + 1))![0];
  const importLine = newStatement === undefined ? '' : `${newline}${indent}${newStatement}`;
  const installLine = installCall === undefined ? '' : `${newline}${newline}${indent}${installCall}`;
  edits.push(insertAt(anchor.getEnd(), importLine + installLine));
  return { names, edits };
}

/** Whether `install(...)` (by the file's name for it) is already called somewhere. */
function isCalled(index: SymbolIndex, callee: string): boolean {
  const sourceFile = index.nodes.sourceFile.compilerNode;
  return index.nodes.callsWhere((call) => call.expression.getText(sourceFile) === callee).length > 0;
}

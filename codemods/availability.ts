// Whether an expression seen at one place (the model in model.compile, a training loop's variable
// list) can be evaluated at another: where the optimizer is built. Moving `model` into
// `tf.train.adam(layerDecayGroups(model, ...))` is only safe when `model` there is the same,
// already initialized variable, and is not replaced afterwards.
import { Node, SyntaxKind } from './ts-morph.cjs';
import type { Identifier } from 'ts-morph';
import type { SymbolIndex } from './references.js';

/** Why `expression` cannot be evaluated at `site` with the same meaning; undefined when it can. */
export function unavailableReason(expression: Node, site: Node, index: SymbolIndex): string | undefined {
  const shown = `'${expression.getText()}'`;
  for (const node of [expression, ...expression.getDescendants()]) {
    if (node.getKind() === SyntaxKind.ThisKeyword) {
      if (thisContainer(node) !== thisContainer(site)) return `${shown} uses 'this' of another function than the optimizer`;
      continue;
    }
    if (!Node.isIdentifier(node) || !isValueReference(node)) continue;
    const variable = index.variableOf(node);
    if (!variable) continue; // a global
    const declaration = index.declarationOf(node)!;
    if (isWithin(declaration, expression)) continue; // declared inside the expression (an arrow's parameter)
    const name = node.getText();
    if (!index.visibleAt(name, variable, site)) return `${shown} is not in scope where the optimizer is built`;
    if (!initializedBefore(declaration, node, site, index)) return `${shown} is declared or assigned after the optimizer is built`;
    const laterWrite = index.writes(node).find((reference) => reference.getStart() > site.getStart());
    if (laterWrite) return `'${name}' is reassigned after the optimizer is built (line ${laterWrite.getStartLineNumber()})`;
  }
  return undefined;
}

/** An identifier read as a value: not a property name, an object key or a declared name. */
export function isValueReference(identifier: Identifier): boolean {
  const parent = identifier.getParent();
  if (Node.isPropertyAccessExpression(parent)) return parent.getExpression() === identifier;
  if (Node.isQualifiedName(parent)) return parent.getLeft() === identifier;
  if (Node.isShorthandPropertyAssignment(parent)) return true;
  if (Node.isPropertyAssignment(parent) || Node.isMethodDeclaration(parent) || Node.isPropertyDeclaration(parent)
    || Node.isPropertySignature(parent) || Node.isGetAccessorDeclaration(parent) || Node.isSetAccessorDeclaration(parent)) {
    return parent.getNameNode() !== identifier;
  }
  if (Node.isBindingElement(parent)) return false;
  if (Node.isVariableDeclaration(parent) || Node.isParameterDeclaration(parent) || Node.isFunctionDeclaration(parent)
    || Node.isClassDeclaration(parent) || Node.isFunctionExpression(parent)) {
    return parent.getNameNode() !== identifier;
  }
  if (Node.isLabeledStatement(parent) || Node.isBreakStatement(parent) || Node.isContinueStatement(parent)) return false;
  return true;
}

function isWithin(node: Node, container: Node): boolean {
  return node.getStart() >= container.getStart() && node.getEnd() <= container.getEnd() && node.getSourceFile() === container.getSourceFile();
}

/** The function whose `this` a node sees (arrow functions see their parent's). */
function thisContainer(node: Node): Node {
  return node.getFirstAncestor((ancestor) =>
    Node.isFunctionDeclaration(ancestor) || Node.isFunctionExpression(ancestor) || Node.isMethodDeclaration(ancestor)
    || Node.isConstructorDeclaration(ancestor) || Node.isGetAccessorDeclaration(ancestor) || Node.isSetAccessorDeclaration(ancestor)
    || Node.isClassDeclaration(ancestor) || Node.isClassExpression(ancestor) || Node.isSourceFile(ancestor)) ?? node.getSourceFile();
}

/** Whether the variable has its value by the time `site` runs (as far as the text order says). */
function initializedBefore(declaration: Node, reference: Identifier, site: Node, index: SymbolIndex): boolean {
  if (Node.isImportSpecifier(declaration) || Node.isNamespaceImport(declaration) || Node.isImportClause(declaration)
    || Node.isImportEqualsDeclaration(declaration) || Node.isParameterDeclaration(declaration) || Node.isFunctionDeclaration(declaration)) {
    return true;
  }
  const variable = Node.isBindingElement(declaration) ? declaration.getFirstAncestorByKind(SyntaxKind.VariableDeclaration) : declaration;
  if (Node.isVariableDeclaration(variable)) {
    const holder = variable.getParent()?.getParent();
    if (Node.isForOfStatement(holder) || Node.isForInStatement(holder) || Node.isCatchClause(variable.getParent())) return true;
    if (variable.getInitializer() !== undefined && variable.getEnd() <= site.getStart()) return true;
    return index.writes(reference).some((other) => other.getEnd() <= site.getStart());
  }
  return declaration.getEnd() <= site.getStart();
}

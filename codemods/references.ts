// Which identifiers name the same variable. Backed by the type checker of a one-file program with
// no lib and no module resolution: enough to bind local names and scopes, and cheap, because only
// the few files that hold optimizer code get here.
import { Node, SyntaxKind, ts, type Identifier, type Symbol, type TypeChecker } from 'ts-morph';
import type { FileNodes } from './file-nodes.js';

const ASSIGNMENT_OPERATORS = new Set([
  SyntaxKind.EqualsToken, SyntaxKind.PlusEqualsToken, SyntaxKind.MinusEqualsToken, SyntaxKind.AsteriskEqualsToken,
  SyntaxKind.SlashEqualsToken, SyntaxKind.BarBarEqualsToken, SyntaxKind.AmpersandAmpersandEqualsToken,
  SyntaxKind.QuestionQuestionEqualsToken,
]);

export class SymbolIndex {
  private checker?: TypeChecker;

  constructor(readonly nodes: FileNodes) {}

  /** Whether the file uses the name anywhere (a new import must not collide with it). */
  uses(name: string): boolean {
    return this.nodes.uses(name);
  }

  private typeChecker(): TypeChecker {
    this.checker ??= this.nodes.sourceFile.getProject().getTypeChecker();
    return this.checker;
  }

  /** The variable an identifier refers to; for the shorthand `{ optimizer }` the variable, not the property. */
  symbolOf(identifier: Identifier): Symbol | undefined {
    const parent = identifier.getParent();
    if (Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === identifier) {
      return this.typeChecker().getShorthandAssignmentValueSymbol(parent);
    }
    return identifier.getSymbol();
  }

  /** The declaration of the variable an identifier refers to, if the file declares it. */
  declarationOf(identifier: Identifier): Node | undefined {
    return this.symbolOf(identifier)?.getDeclarations()[0];
  }

  /** Every other identifier in the file that refers to the same variable as `identifier`. */
  references(identifier: Identifier): Identifier[] {
    const symbol = this.symbolOf(identifier);
    if (!symbol) return [];
    return this.referencesTo(identifier.getText(), symbol).filter((other) => other !== identifier);
  }

  referencesTo(name: string, symbol: Symbol): Identifier[] {
    return this.nodes.identifiersNamed(name).filter((other) => sameSymbol(this.symbolOf(other), symbol));
  }

  /** Whether `name` at `location` resolves to `symbol` (it is in scope and not shadowed). */
  visibleAt(name: string, symbol: Symbol, location: Node): boolean {
    const inScope = this.typeChecker().getSymbolsInScope(location, ts.SymbolFlags.Value);
    return sameSymbol(inScope.find((candidate) => candidate.getName() === name), symbol);
  }
}

/** An exported variable has a local and an export symbol; both share the declaration. */
function sameSymbol(a: Symbol | undefined, b: Symbol | undefined): boolean {
  if (!a || !b) return false;
  if (a.compilerSymbol === b.compilerSymbol) return true;
  const declaration = a.compilerSymbol.declarations?.[0];
  return declaration !== undefined && declaration === b.compilerSymbol.declarations?.[0];
}

/** `x = ...`, `x += ...`, `x++`: the identifier is written, not read. */
export function isWrite(identifier: Identifier): boolean {
  const parent = identifier.getParent();
  if (Node.isBinaryExpression(parent)) {
    return parent.getLeft() === identifier && ASSIGNMENT_OPERATORS.has(parent.getOperatorToken().getKind());
  }
  if (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) {
    const operator = parent.getOperatorToken();
    return operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken;
  }
  return false;
}

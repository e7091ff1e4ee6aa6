// Which identifiers name the same variable. Backed by the type checker of a program with no lib
// and no module resolution: enough to bind local names and scopes. Only files that hold a site get
// here, and the checker is asked once per identifier (answers are cached by node), because a
// file's sites ask about the same few names many times.
import { Node, SyntaxKind, ts } from './ts-morph.cjs';
import type { Identifier, TypeChecker } from 'ts-morph';
import type { FileNodes } from './file-nodes.js';

const ASSIGNMENT_OPERATORS = new Set([
  SyntaxKind.EqualsToken, SyntaxKind.PlusEqualsToken, SyntaxKind.MinusEqualsToken, SyntaxKind.AsteriskEqualsToken,
  SyntaxKind.SlashEqualsToken, SyntaxKind.BarBarEqualsToken, SyntaxKind.AmpersandAmpersandEqualsToken,
  SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * A variable, as the declaration that introduces it (an exported variable has a local and an export
 * symbol; both share the declaration). Undefined for a name the file does not declare (a global).
 */
export type Variable = ts.Declaration;

export class SymbolIndex {
  private checker?: ts.TypeChecker;
  private readonly variables = new Map<ts.Node, Variable | undefined>();
  /** Per name, its identifiers grouped by the variable they name. */
  private readonly byVariable = new Map<string, Map<Variable | undefined, Identifier[]>>();

  constructor(readonly nodes: FileNodes, private readonly typeChecker: () => TypeChecker) {}

  /** Whether the file uses the name anywhere (a new import must not collide with it). */
  uses(name: string): boolean {
    return this.nodes.uses(name);
  }

  private compilerChecker(): ts.TypeChecker {
    this.checker ??= this.typeChecker().compilerObject;
    return this.checker;
  }

  /** The variable an identifier refers to; for the shorthand `{ optimizer }` the variable, not the property. */
  variableOf(identifier: Identifier): Variable | undefined {
    const raw = identifier.compilerNode;
    if (this.variables.has(raw)) return this.variables.get(raw);
    const parent = raw.parent;
    const symbol = ts.isShorthandPropertyAssignment(parent) && parent.name === raw
      ? this.compilerChecker().getShorthandAssignmentValueSymbol(parent)
      : this.compilerChecker().getSymbolAtLocation(raw);
    const variable = symbol?.declarations?.[0];
    this.variables.set(raw, variable);
    return variable;
  }

  /** The declaration of the variable an identifier refers to, if the file declares it. */
  declarationOf(identifier: Identifier): Node | undefined {
    const variable = this.variableOf(identifier);
    return variable && this.nodes.wrap(variable);
  }

  /** Every identifier in the file that refers to the same variable as `identifier` (itself included). */
  referencesTo(identifier: Identifier): Identifier[] {
    const variable = this.variableOf(identifier);
    if (!variable) return [];
    return this.groups(identifier.getText()).get(variable) ?? [];
  }

  /** Every other identifier in the file that refers to the same variable as `identifier`. */
  references(identifier: Identifier): Identifier[] {
    return this.referencesTo(identifier).filter((other) => other !== identifier);
  }

  private groups(name: string): Map<Variable | undefined, Identifier[]> {
    let groups = this.byVariable.get(name);
    if (!groups) {
      groups = new Map();
      for (const identifier of this.nodes.identifiersNamed(name)) {
        const variable = this.variableOf(identifier);
        const list = groups.get(variable);
        if (list) list.push(identifier);
        else groups.set(variable, [identifier]);
      }
      this.byVariable.set(name, groups);
    }
    return groups;
  }

  /** Whether `name` at `location` names `variable` (it is in scope and not shadowed). */
  visibleAt(name: string, variable: Variable, location: Node): boolean {
    const inScope = this.compilerChecker().getSymbolsInScope(location.compilerNode, ts.SymbolFlags.Value);
    return inScope.find((candidate) => candidate.name === name)?.declarations?.[0] === variable;
  }
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

/** The values written into a variable by plain assignment (`x = value`), in text order. */
export function assignedValues(references: readonly Identifier[]): Node[] {
  return references.flatMap((reference) => {
    const parent = reference.getParent();
    return Node.isBinaryExpression(parent) && parent.getLeft() === reference && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken
      ? [parent.getRight()] : [];
  });
}

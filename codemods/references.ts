// Which identifiers name the same variable, by the file's scopes (scopes.ts), built on the first
// question: only files that hold a site get here. Answers are cached by node, because a file's
// sites ask about the same few names many times.
import { Node, SyntaxKind } from './ts-morph.cjs';
import type { Identifier, ts } from 'ts-morph';
import type { FileNodes } from './file-nodes.js';
import { Scopes } from './scopes.js';

const ASSIGNMENT_OPERATORS = new Set([
  SyntaxKind.EqualsToken, SyntaxKind.PlusEqualsToken, SyntaxKind.MinusEqualsToken, SyntaxKind.AsteriskEqualsToken,
  SyntaxKind.SlashEqualsToken, SyntaxKind.BarBarEqualsToken, SyntaxKind.AmpersandAmpersandEqualsToken,
  SyntaxKind.QuestionQuestionEqualsToken,
]);

/** A variable, as the declaration that introduces it. Undefined for a name the file does not declare (a global). */
export type Variable = ts.Node;

export class SymbolIndex {
  private scopes?: Scopes;
  private readonly variables = new Map<ts.Node, Variable | undefined>();
  /** Per name, its identifiers grouped by the variable they name. */
  private readonly byVariable = new Map<string, Map<Variable | undefined, Identifier[]>>();

  constructor(readonly nodes: FileNodes) {}

  /** Whether the file uses the name anywhere (a new import must not collide with it). */
  uses(name: string): boolean {
    return this.nodes.uses(name);
  }

  private fileScopes(): Scopes {
    this.scopes ??= new Scopes(this.nodes.declaring);
    return this.scopes;
  }

  /** The variable an identifier refers to; for the shorthand `{ optimizer }` the variable, not the property. */
  variableOf(identifier: Identifier): Variable | undefined {
    const raw = identifier.compilerNode;
    if (this.variables.has(raw)) return this.variables.get(raw);
    const variable = this.fileScopes().declarationOf(raw);
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
    return this.fileScopes().resolve(name, location.compilerNode) === variable;
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

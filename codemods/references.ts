// Which identifiers name the same variable, by the file's scopes (scopes.ts), built on the first
// question: only files that hold a site get here. Answers are cached by node, because a file's
// sites ask about the same few names many times.
import { SyntaxKind, ts } from './ts-morph.cjs';
import type { Identifier, Node } from 'ts-morph';
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
  /** Per name, its identifiers grouped by the variable they name (compiler nodes: wrapping a node wraps its ancestors too). */
  private readonly byVariable = new Map<string, Map<Variable | undefined, ts.Identifier[]>>();

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
  variableOf(identifier: Identifier | ts.Identifier): Variable | undefined {
    const raw = 'compilerNode' in identifier ? identifier.compilerNode : identifier;
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

  /** Every other identifier in the file that refers to the same variable as `identifier`. */
  references(identifier: Identifier): Identifier[] {
    return this.rawReferences(identifier).filter((other) => other !== identifier.compilerNode).map((other) => this.nodes.wrap<Identifier>(other));
  }

  /** The identifiers that write the variable (`x = ...`, `x += ...`, `x++`), in text order. */
  writes(identifier: Identifier): Identifier[] {
    return this.rawReferences(identifier).filter(isWrite).map((other) => this.nodes.wrap<Identifier>(other));
  }

  /** The values written into the variable by plain assignment (`x = value`), in text order. */
  assignedValues(identifier: Identifier): Node[] {
    return this.rawReferences(identifier).flatMap((reference) => {
      const parent = reference.parent;
      return ts.isBinaryExpression(parent) && parent.left === reference && parent.operatorToken.kind === SyntaxKind.EqualsToken
        ? [this.nodes.wrap(parent.right)] : [];
    });
  }

  /** Whether an identifier names the same variable as another. */
  sameVariable(identifier: Identifier, other: ts.Identifier): boolean {
    const variable = this.variableOf(identifier);
    return variable !== undefined && this.variableOf(other) === variable;
  }

  private rawReferences(identifier: Identifier): ts.Identifier[] {
    const variable = this.variableOf(identifier);
    if (!variable) return [];
    const name = identifier.getText();
    let groups = this.byVariable.get(name);
    if (!groups) {
      groups = new Map();
      for (const other of this.nodes.rawIdentifiersNamed(name)) {
        const owner = this.variableOf(other);
        const list = groups.get(owner);
        if (list) list.push(other);
        else groups.set(owner, [other]);
      }
      this.byVariable.set(name, groups);
    }
    return groups.get(variable) ?? [];
  }

  /** Whether `name` at `location` names `variable` (it is in scope and not shadowed). */
  visibleAt(name: string, variable: Variable, location: Node): boolean {
    return this.fileScopes().resolve(name, location.compilerNode) === variable;
  }
}

/** `x = ...`, `x += ...`, `x++`: the identifier is written, not read. */
function isWrite(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isBinaryExpression(parent)) return parent.left === identifier && ASSIGNMENT_OPERATORS.has(parent.operatorToken.kind);
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === SyntaxKind.PlusPlusToken || parent.operator === SyntaxKind.MinusMinusToken;
  }
  return false;
}

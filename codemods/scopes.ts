// Which declaration a name refers to, by JavaScript's scoping rules, from the file's declaring
// nodes (file-nodes.ts finds them in its walk): what the type checker's symbols gave the codemod,
// without building a program (binding every file of it) for a question about local names. Scopes: the file, blocks, functions (parameters and
// `var`, hoisted), for statements, catch clauses, class and function expressions (their own name).
// A declaration is what the checker would give: the VariableDeclaration, the BindingElement of a
// destructured name, the ParameterDeclaration, the function or class, the import clause, namespace
// import, import specifier or `import x = require()`.
import { ts } from './ts-morph.cjs';

type Declarations = Map<string, ts.Node>;

export class Scopes {
  private readonly scopes = new Map<ts.Node, Declarations>();

  constructor(declaring: readonly ts.Node[]) {
    for (const node of declaring) this.add(node);
  }

  /** The declaration `name` names at `location`, or undefined (a global, or not declared in the file). */
  resolve(name: string, location: ts.Node): ts.Node | undefined {
    for (let node: ts.Node | undefined = location; node; node = node.parent) {
      const found = this.scopes.get(node)?.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The declaration an identifier refers to: itself declared there, or the name looked up from
   * where it stands. Undefined for names that are not variables: `b` in `a.b`, an object key, a
   * method or property name, a label.
   */
  declarationOf(identifier: ts.Identifier): ts.Node | undefined {
    const parent = identifier.parent;
    if (declaresName(parent, identifier)) return parent;
    if (isPropertyLikeName(parent, identifier)) return undefined;
    return this.resolve(identifier.text, identifier);
  }

  private declare(scope: ts.Node, name: ts.BindingName, declaration: ts.Node): void {
    if (ts.isIdentifier(name)) {
      let declarations = this.scopes.get(scope);
      if (!declarations) this.scopes.set(scope, (declarations = new Map()));
      if (!declarations.has(name.text)) declarations.set(name.text, declaration);
      return;
    }
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) this.declare(scope, element.name, element);
    }
  }

  /** Puts the names a node declares into the scope they belong to. */
  private add(node: ts.Node): void {
    const K = ts.SyntaxKind;
    switch (node.kind) {
      case K.VariableDeclaration: {
        const declaration = node as ts.VariableDeclaration;
        const list = declaration.parent;
        const isVar = !ts.isCatchClause(list) && (list.flags & ts.NodeFlags.BlockScoped) === 0;
        this.declare(isVar ? functionScope(list) : blockScope(list), declaration.name, declaration);
        break;
      }
      case K.Parameter:
        this.declare(node.parent, (node as ts.ParameterDeclaration).name, node);
        break;
      case K.FunctionDeclaration:
      case K.ClassDeclaration:
      case K.EnumDeclaration: {
        const name = (node as ts.FunctionDeclaration | ts.ClassDeclaration | ts.EnumDeclaration).name;
        if (name) this.declare(blockScope(node.parent), name, node);
        break;
      }
      case K.FunctionExpression:
      case K.ClassExpression: {
        const name = (node as ts.FunctionExpression | ts.ClassExpression).name;
        if (name) this.declare(node, name, node);
        break;
      }
      case K.ImportClause: {
        const name = (node as ts.ImportClause).name;
        if (name) this.declare(node.getSourceFile(), name, node);
        break;
      }
      case K.NamespaceImport:
      case K.ImportSpecifier:
      case K.ImportEqualsDeclaration:
        this.declare(node.getSourceFile(), (node as ts.NamespaceImport | ts.ImportSpecifier | ts.ImportEqualsDeclaration).name, node);
        break;
    }
  }
}

/** The nearest node at or above `node` whose `let`, `const`, classes and functions are its own. */
function blockScope(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && !FUNCTION_KINDS.has(current.kind) && !BLOCK_KINDS.has(current.kind)) current = current.parent;
  return current;
}

/** The nearest function at or above `node`, or the file: where a `var` belongs. */
function functionScope(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && !FUNCTION_KINDS.has(current.kind)) current = current.parent;
  return current;
}

/** Nodes whose parameters and `var`s are theirs. */
const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
]);
/** Nodes whose `let`, `const`, classes and functions are theirs. */
const BLOCK_KINDS = new Set([
  ts.SyntaxKind.Block, ts.SyntaxKind.ModuleBlock, ts.SyntaxKind.CaseBlock, ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.CatchClause, ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression,
]);

/** Whether `identifier` is the name `parent` declares (the checker's symbol is that declaration's). */
function declaresName(parent: ts.Node, identifier: ts.Identifier): boolean {
  if (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isFunctionExpression(parent)
    || ts.isClassDeclaration(parent) || ts.isClassExpression(parent) || ts.isEnumDeclaration(parent) || ts.isImportClause(parent)
    || ts.isNamespaceImport(parent) || ts.isImportSpecifier(parent) || ts.isImportEqualsDeclaration(parent)) {
    return parent.name === identifier;
  }
  return ts.isBindingElement(parent) && parent.name === identifier;
}

/** Names of properties, members and labels: never a variable. */
function isPropertyLikeName(parent: ts.Node, identifier: ts.Identifier): boolean {
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) return (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === identifier;
  if (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)
    || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isEnumMember(parent) || ts.isJsxAttribute(parent)) {
    return parent.name === identifier;
  }
  if (ts.isBindingElement(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return parent.propertyName === identifier;
  return ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent) || ts.isMetaProperty(parent);
}

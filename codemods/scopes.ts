// Which declaration a name refers to, by JavaScript's scoping rules, from one walk over a file:
// what the type checker's symbols gave the codemod, without building a program (binding every file
// of it) for a question about local names. Scopes: the file, blocks, functions (parameters and
// `var`, hoisted), for statements, catch clauses, class and function expressions (their own name).
// A declaration is what the checker would give: the VariableDeclaration, the BindingElement of a
// destructured name, the ParameterDeclaration, the function or class, the import clause, namespace
// import, import specifier or `import x = require()`.
import { ts } from './ts-morph.cjs';

type Declarations = Map<string, ts.Node>;

export class Scopes {
  private readonly scopes = new Map<ts.Node, Declarations>();

  constructor(sourceFile: ts.SourceFile) {
    this.collect(sourceFile);
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

  private collect(sourceFile: ts.SourceFile): void {
    const visit = (node: ts.Node, block: ts.Node, fn: ts.Node): void => {
      if (ts.isVariableDeclaration(node)) {
        const list = node.parent;
        if (ts.isCatchClause(list)) this.declare(list, node.name, node);
        else {
          const isVar = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.BlockScoped) === 0;
          const holder = list.parent;
          const scope = isVar ? fn : ts.isForStatement(holder) || ts.isForInStatement(holder) || ts.isForOfStatement(holder) ? holder : block;
          this.declare(scope, node.name, node);
        }
      } else if (ts.isParameter(node)) {
        this.declare(node.parent, node.name, node);
      } else if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) {
        if (node.name) this.declare(block, node.name, node);
      } else if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name) {
        this.declare(node, node.name, node);
      } else if (ts.isImportClause(node) && node.name) {
        this.declare(sourceFile, node.name, node);
      } else if (ts.isNamespaceImport(node) || ts.isImportSpecifier(node) || ts.isImportEqualsDeclaration(node)) {
        this.declare(sourceFile, node.name, node);
      }
      const isFunction = ts.isFunctionLike(node) && !ts.isTypeNode(node);
      const opensBlock = ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseBlock(node) || ts.isForStatement(node)
        || ts.isForInStatement(node) || ts.isForOfStatement(node) || ts.isCatchClause(node) || ts.isClassLike(node);
      const innerFn = isFunction ? node : fn;
      const innerBlock = isFunction || opensBlock ? node : block;
      ts.forEachChild(node, (child) => visit(child, innerBlock, innerFn));
    };
    ts.forEachChild(sourceFile, (child) => visit(child, sourceFile, sourceFile));
  }
}

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

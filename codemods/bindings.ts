// How a file binds tfjs and this package: the names the rest of the codemod looks for (tf.train,
// a `train` import, tf.sequential), where new imports go, and the file's quote and semicolon style.
// Detected through the import, whatever its alias (DESIGN.md "Codemod").
import { Node, SyntaxKind, type Identifier, type SourceFile, type Statement, type StringLiteral } from 'ts-morph';
import type { FileNodes } from './file-nodes.js';
import { TFJS_MODULES } from './prefilter.js';
import { extensionOf } from './extensions.js';

export const PACKAGE_NAME = 'tfjs-layer-decay';

/** A `{ a, b }` list new names can be added to: an import's named bindings or a require destructuring. */
export interface NameList {
  /** Position just after `{`. */
  open: number;
  /** End of the last element, if any. */
  lastElementEnd?: number;
}

export interface PackageBindings {
  /** Exported name -> local name, for value imports (`import { install as i }`, `const { install } = require(...)`). */
  named: Map<string, string>;
  /** `import * as ld from 'tfjs-layer-decay'` or `const ld = require(...)`. */
  namespace?: string;
  /** Where missing names can be added. */
  list?: NameList;
  statement?: Statement;
}

export interface Bindings {
  /** Whether the file imports or requires tfjs at all (type-only imports included). */
  importsTfjs: boolean;
  /** Local names bound to a whole tfjs module: `import * as tf`, `import tf from`, `const tf = require(...)`. */
  namespaces: string[];
  /** Local names bound to tf.train: `import { train as t }`, `const { train } = require(...)`, `const train = tf.train`. */
  trainNames: string[];
  /** Local name -> tfjs export, for functions imported by name (`import { sequential } from ...`). */
  namedFunctions: Map<string, string>;
  /** A tfjs value import or require destructuring that `train` can be added to. */
  tfjsNameList?: NameList;
  /** The first statement that binds tfjs; new requires go after it in CommonJS files. */
  tfjsStatement?: Statement;
  /** The last import declaration of the file; new imports go after it. */
  lastImport?: Statement;
  moduleSystem: 'esm' | 'cjs';
  /** Quote and semicolon of the tfjs import, for the lines this codemod adds. */
  quote: string;
  semicolon: string;
  packageBindings: PackageBindings;
}

type ModuleKind = 'tfjs' | 'package';

function moduleKind(specifier: string): ModuleKind | undefined {
  if (TFJS_MODULES.includes(specifier)) return 'tfjs';
  if (specifier === PACKAGE_NAME) return 'package';
  return undefined;
}

/** The module name (a string literal) of `require('x')` or `await import('x')`, else undefined. */
function requiredModuleName(node: Node | undefined): StringLiteral | undefined {
  if (node === undefined) return undefined;
  const call = Node.isAwaitExpression(node) ? node.getExpression() : node;
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  const isRequire = Node.isIdentifier(callee) && callee.getText() === 'require';
  const isImport = callee.getKind() === SyntaxKind.ImportKeyword;
  const [argument] = call.getArguments();
  if (!(isRequire || isImport) || call.getArguments().length !== 1 || !Node.isStringLiteral(argument)) return undefined;
  return argument;
}

function statementOf(node: Node): Statement {
  const statement = node.getFirstAncestor((ancestor) => Node.isStatement(ancestor) && !Node.isBlock(ancestor)) ?? node;
  return statement as Statement;
}

function nameListOf(open: number, elements: readonly Node[]): NameList {
  return { open, lastElementEnd: elements.length ? elements[elements.length - 1]!.getEnd() : undefined };
}

export function findBindings(sourceFile: SourceFile, nodes: FileNodes): Bindings {
  const bindings: Bindings = {
    importsTfjs: false, namespaces: [], trainNames: [], namedFunctions: new Map(), moduleSystem: 'esm', quote: "'", semicolon: ';',
    packageBindings: { named: new Map() },
  };
  const pkg = bindings.packageBindings;
  let requiresTfjs = false;
  const noteTfjs = (statement: Statement, specifier: Node) => {
    if (bindings.tfjsStatement) return;
    bindings.tfjsStatement = statement;
    bindings.quote = specifier.getText().startsWith('"') ? '"' : "'";
    bindings.semicolon = statement.getText().trimEnd().endsWith(';') ? ';' : '';
  };

  for (const statement of sourceFile.getStatements()) {
    if (Node.isImportDeclaration(statement)) {
      bindings.lastImport = statement;
      const kind = moduleKind(statement.getModuleSpecifierValue());
      const clause = statement.getImportClause();
      if (kind === 'tfjs') bindings.importsTfjs = true;
      if (!kind || !clause || clause.isTypeOnly()) continue;
      const named = clause.getNamedBindings();
      const defaultImport = clause.getDefaultImport();
      if (kind === 'tfjs') {
        noteTfjs(statement, statement.getModuleSpecifier());
        if (defaultImport) bindings.namespaces.push(defaultImport.getText());
        if (Node.isNamespaceImport(named)) bindings.namespaces.push(named.getName());
        if (Node.isNamedImports(named)) {
          for (const element of named.getElements()) {
            if (element.isTypeOnly()) continue;
            addTfjsName(bindings, element.getName(), (element.getAliasNode() ?? element.getNameNode()).getText());
          }
          bindings.tfjsNameList ??= nameListOf(named.getStart() + 1, named.getElements());
        }
      } else {
        pkg.statement ??= statement;
        if (Node.isNamespaceImport(named)) pkg.namespace ??= named.getName();
        if (Node.isNamedImports(named)) {
          for (const element of named.getElements()) {
            if (!element.isTypeOnly()) pkg.named.set(element.getName(), (element.getAliasNode() ?? element.getNameNode()).getText());
          }
          pkg.list ??= nameListOf(named.getStart() + 1, named.getElements());
        }
      }
    } else if (Node.isImportEqualsDeclaration(statement)) {
      bindings.lastImport = statement;
      const reference = statement.getModuleReference();
      if (!Node.isExternalModuleReference(reference)) continue;
      const specifier = reference.getExpression();
      if (!specifier || !Node.isStringLiteral(specifier)) continue;
      const kind = moduleKind(specifier.getLiteralText());
      if (kind === 'tfjs') {
        bindings.importsTfjs = true;
        noteTfjs(statement, specifier);
        bindings.namespaces.push(statement.getName());
      } else if (kind === 'package') {
        pkg.statement ??= statement;
        pkg.namespace ??= statement.getName();
      }
    }
  }

  for (const declaration of nodes.variableDeclarations()) {
    const initializer = declaration.getInitializer();
    const name = declaration.getNameNode();
    const specifier = requiredModuleName(initializer);
    const kind = specifier === undefined ? undefined : moduleKind(specifier.getLiteralText());
    if (kind === 'tfjs') {
      requiresTfjs = true;
      bindings.importsTfjs = true;
      noteTfjs(statementOf(declaration), specifier!);
      if (Node.isIdentifier(name)) bindings.namespaces.push(name.getText());
      if (Node.isObjectBindingPattern(name)) {
        for (const element of name.getElements()) {
          const exported = (element.getPropertyNameNode() ?? element.getNameNode()).getText();
          addTfjsName(bindings, exported, element.getNameNode().getText());
        }
        bindings.tfjsNameList ??= nameListOf(name.getStart() + 1, name.getElements());
      }
    } else if (kind === 'package') {
      pkg.statement ??= statementOf(declaration);
      if (Node.isIdentifier(name)) pkg.namespace ??= name.getText();
      if (Node.isObjectBindingPattern(name)) {
        for (const element of name.getElements()) {
          pkg.named.set((element.getPropertyNameNode() ?? element.getNameNode()).getText(), element.getNameNode().getText());
        }
        pkg.list ??= nameListOf(name.getStart() + 1, name.getElements());
      }
    }
  }

  // Aliases of tf.train through a variable: `const train = tf.train`, `const { train } = tf`.
  for (const declaration of nodes.variableDeclarations()) {
    const initializer = declaration.getInitializer();
    const name = declaration.getNameNode();
    if (Node.isIdentifier(name) && initializer && isTfjsTrain(initializer, bindings)) bindings.trainNames.push(name.getText());
    if (Node.isObjectBindingPattern(name) && Node.isIdentifier(initializer) && bindings.namespaces.includes(initializer.getText())) {
      for (const element of name.getElements()) {
        if ((element.getPropertyNameNode() ?? element.getNameNode()).getText() === 'train') bindings.trainNames.push(element.getName());
      }
    }
  }

  const extension = extensionOf(sourceFile.getFilePath());
  const hasImports = bindings.lastImport !== undefined;
  if (extension === '.cjs' || extension === '.cts' || (!hasImports && requiresTfjs && extension !== '.mjs' && extension !== '.mts')) {
    bindings.moduleSystem = 'cjs';
  }
  return bindings;
}

function addTfjsName(bindings: Bindings, exported: string, local: string) {
  if (exported === 'train') bindings.trainNames.push(local);
  else bindings.namedFunctions.set(local, exported);
}

/** `tf.train` for a tfjs namespace `tf`, or a name bound to train. */
export function isTfjsTrain(node: Node, bindings: Bindings): boolean {
  if (Node.isIdentifier(node)) return bindings.trainNames.includes(node.getText());
  return Node.isPropertyAccessExpression(node) && node.getName() === 'train' && isTfjsNamespace(node.getExpression(), bindings);
}

export function isTfjsNamespace(node: Node, bindings: Bindings): node is Identifier {
  return Node.isIdentifier(node) && bindings.namespaces.includes(node.getText());
}

/**
 * A call to a tfjs function by its exported name: `tf.sequential(...)` or `sequential(...)` after
 * `import { sequential }`.
 */
export function tfjsFunctionCalled(node: Node, bindings: Bindings): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return bindings.namedFunctions.get(callee.getText());
  if (Node.isPropertyAccessExpression(callee) && isTfjsNamespace(callee.getExpression(), bindings)) return callee.getName();
  return undefined;
}

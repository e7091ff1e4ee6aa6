// How a file binds tfjs and this package: the names the rest of the codemod looks for (tf.train,
// a `train` import, tf.sequential), where new imports go, and the file's quote and semicolon style.
// Detected through the import, whatever its alias (DESIGN.md "Codemod").
import { Node, SyntaxKind, ts } from './ts-morph.cjs';
import type { SourceFile, Statement, StringLiteral } from 'ts-morph';
import type { FileNodes } from './file-nodes.js';
import { extensionOf } from './extensions.js';

export const PACKAGE_NAME = 'tfjs-layer-decay';

/** What a tfjs module exports that the codemod uses: tf.train (and its factories), models (tf.sequential). */
export interface TfjsModule { name: string; train: boolean; models: boolean }

/** The tfjs modules whose import marks a file as tfjs code. tfjs-node and -node-gpu re-export tfjs. */
export const TFJS_MODULES: ReadonlyMap<string, TfjsModule> = new Map([
  { name: '@tensorflow/tfjs', train: true, models: true },
  { name: '@tensorflow/tfjs-node', train: true, models: true },
  { name: '@tensorflow/tfjs-node-gpu', train: true, models: true },
  { name: '@tensorflow/tfjs-core', train: true, models: false },
  { name: '@tensorflow/tfjs-layers', train: false, models: true },
].map((module) => [module.name, module]));

/** A local name bound to a whole tfjs module, and the declaration that binds it. */
export interface Namespace { name: string; module: TfjsModule; declaration: Node }

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
  namespaces: Namespace[];
  /** `tf = require('@tensorflow/tfjs-node')` assigned at run time to a name declared without it (`let tf;`). */
  lateBound: { name: string; assignment: Node }[];
  /** Local names bound to tf.train: `import { train as t }`, `const { train } = require(...)`, `const train = tf.train`. */
  trainNames: string[];
  /** Local name -> tfjs export, for functions imported by name (`import { sequential } from ...`). */
  namedFunctions: Map<string, string>;
  /** The import specifiers and require destructuring elements that bind those names. */
  namedDeclarations: Set<Node>;
  /** A value import or require destructuring of a tfjs module with tf.train, that `train` can be added to. */
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
  if (TFJS_MODULES.has(specifier)) return 'tfjs';
  if (specifier === PACKAGE_NAME) return 'package';
  return undefined;
}

/** Whether a compiler node may be `require('x')`, `import('x')` or `await import('x')` (a cheap test before wrapping it). */
function isRequireOrImport(node: ts.Node): boolean {
  const call = ts.isAwaitExpression(node) ? node.expression : node;
  return ts.isCallExpression(call) && call.arguments.length === 1
    && ((ts.isIdentifier(call.expression) && call.expression.text === 'require') || call.expression.kind === ts.SyntaxKind.ImportKeyword);
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
    importsTfjs: false, namespaces: [], lateBound: [], trainNames: [], namedFunctions: new Map(), namedDeclarations: new Set(), moduleSystem: 'esm', quote: "'", semicolon: ';',
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
        const module = TFJS_MODULES.get(statement.getModuleSpecifierValue())!;
        noteTfjs(statement, statement.getModuleSpecifier());
        if (defaultImport) bindings.namespaces.push({ name: defaultImport.getText(), module, declaration: clause });
        if (Node.isNamespaceImport(named)) bindings.namespaces.push({ name: named.getName(), module, declaration: named });
        if (Node.isNamedImports(named)) {
          for (const element of named.getElements()) {
            if (element.isTypeOnly()) continue;
            addTfjsName(bindings, module, element, element.getName(), (element.getAliasNode() ?? element.getNameNode()).getText());
          }
          if (module.train) bindings.tfjsNameList ??= nameListOf(named.getStart() + 1, named.getElements());
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
        bindings.namespaces.push({ name: statement.getName(), module: TFJS_MODULES.get(specifier.getLiteralText())!, declaration: statement });
      } else if (kind === 'package') {
        pkg.statement ??= statement;
        pkg.namespace ??= statement.getName();
      }
    }
  }

  for (const declaration of nodes.declarationsWhere((raw) => raw.initializer !== undefined && isRequireOrImport(raw.initializer))) {
    const initializer = declaration.getInitializer();
    const name = declaration.getNameNode();
    const specifier = requiredModuleName(initializer);
    const kind = specifier === undefined ? undefined : moduleKind(specifier.getLiteralText());
    if (kind === 'tfjs') {
      const module = TFJS_MODULES.get(specifier!.getLiteralText())!;
      requiresTfjs = true;
      bindings.importsTfjs = true;
      noteTfjs(statementOf(declaration), specifier!);
      if (Node.isIdentifier(name)) bindings.namespaces.push({ name: name.getText(), module, declaration });
      if (Node.isObjectBindingPattern(name)) {
        for (const element of name.getElements()) {
          const exported = (element.getPropertyNameNode() ?? element.getNameNode()).getText();
          addTfjsName(bindings, module, element, exported, element.getNameNode().getText());
        }
        if (module.train) bindings.tfjsNameList ??= nameListOf(name.getStart() + 1, name.getElements());
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
  const mayAliasTrain = (raw: ts.VariableDeclaration) => raw.initializer !== undefined
    && ((ts.isPropertyAccessExpression(raw.initializer) && raw.initializer.name.text === 'train') || (ts.isObjectBindingPattern(raw.name) && ts.isIdentifier(raw.initializer)));
  for (const declaration of nodes.declarationsWhere(mayAliasTrain)) {
    const initializer = declaration.getInitializer();
    const name = declaration.getNameNode();
    if (Node.isIdentifier(name) && initializer && isTfjsTrain(initializer, bindings)) bindings.trainNames.push(name.getText());
    if (Node.isObjectBindingPattern(name) && initializer && trainNamespace(initializer, bindings)) {
      for (const element of name.getElements()) {
        if ((element.getPropertyNameNode() ?? element.getNameNode()).getText() === 'train') bindings.trainNames.push(element.getName());
      }
    }
  }

  // `tf = require('@tensorflow/tfjs-node')` at run time: tfjs, but bound after the imports.
  for (const call of nodes.callsWhere((raw) => isRequireOrImport(raw) && (ts.isBinaryExpression(raw.parent) || ts.isAwaitExpression(raw.parent)))) {
    const specifier = requiredModuleName(call);
    if (specifier === undefined || moduleKind(specifier.getLiteralText()) !== 'tfjs') continue;
    const value = Node.isAwaitExpression(call.getParent()) ? call.getParent()! : call;
    const assignment = value.getParent();
    if (Node.isBinaryExpression(assignment) && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isIdentifier(assignment.getLeft())) {
      bindings.importsTfjs = true;
      bindings.lateBound.push({ name: assignment.getLeft().getText(), assignment });
    }
  }

  const extension = extensionOf(sourceFile.getFilePath());
  const hasImports = bindings.lastImport !== undefined;
  if (extension === '.cjs' || extension === '.cts' || (!hasImports && requiresTfjs && extension !== '.mjs' && extension !== '.mts')) {
    bindings.moduleSystem = 'cjs';
  }
  return bindings;
}

function addTfjsName(bindings: Bindings, module: TfjsModule, element: Node, exported: string, local: string) {
  if (exported === 'train') {
    if (module.train) bindings.trainNames.push(local);
  } else {
    bindings.namedFunctions.set(local, exported);
    bindings.namedDeclarations.add(element);
  }
}

/** `tf.train` for a tfjs namespace `tf`, or a name bound to train. */
export function isTfjsTrain(node: Node, bindings: Bindings): boolean {
  if (Node.isIdentifier(node)) return bindings.trainNames.includes(node.getText());
  return Node.isPropertyAccessExpression(node) && node.getName() === 'train' && trainNamespace(node.getExpression(), bindings) !== undefined;
}

/** The tfjs namespace an identifier names (by name: the codemod's sites check the binding itself, see tfjs-origin.ts). */
export function tfjsNamespace(node: Node, bindings: Bindings): Namespace | undefined {
  return Node.isIdentifier(node) ? bindings.namespaces.find((namespace) => namespace.name === node.getText()) : undefined;
}

function trainNamespace(node: Node, bindings: Bindings): Namespace | undefined {
  const namespace = tfjsNamespace(node, bindings);
  return namespace?.module.train ? namespace : undefined;
}

/** The first name bound to a tfjs module with tf.train (what install(...) is given). */
export function firstTrainNamespace(bindings: Bindings): string | undefined {
  return bindings.namespaces.find((namespace) => namespace.module.train)?.name;
}

/**
 * A call to a tfjs function by its exported name: `tf.sequential(...)` or `sequential(...)` after
 * `import { sequential }`.
 */
export function tfjsFunctionCalled(node: Node, bindings: Bindings): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return bindings.namedFunctions.get(callee.getText());
  if (Node.isPropertyAccessExpression(callee) && tfjsNamespace(callee.getExpression(), bindings)) return callee.getName();
  return undefined;
}

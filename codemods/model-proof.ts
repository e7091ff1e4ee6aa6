// Whether an expression is provably a tfjs LayersModel: made by tf.sequential / tf.model /
// tf.loadLayersModel of an imported tfjs module, typed as one (TypeScript or JSDoc), returned by a
// function of this file that builds one, or kept in a variable or `this.x` that only such values are
// assigned to. Anything else (a wrapper whose compile() forwards to a model, an untyped parameter)
// is not converted: its compile may take something else, and layerDecayGroups needs the model.
import { Node, SyntaxKind, ts } from './ts-morph.cjs';
import type { BinaryExpression, ClassDeclaration, ClassExpression, FunctionDeclaration, Identifier, ParameterDeclaration, ReturnStatement, VariableDeclaration } from 'ts-morph';
import type { Bindings } from './bindings.js';
import { shown } from './expressions.js';
import type { SymbolIndex } from './references.js';
import { functionName, tfjsOrigin } from './tfjs-origin.js';

export type Proof = { model: true } | { model: false; reason: string };

const MODEL_FACTORIES = new Set(['sequential', 'model', 'loadLayersModel']);
const MODEL_TYPE = /\b(?:LayersModel|Sequential)\b/;
/** How deep the proof follows functions and variables into each other. */
const MAX_DEPTH = 4;

const PROVEN: Proof = { model: true };
const notProven = (reason: string): Proof => ({ model: false, reason });

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`, `await`. */
function unwrapValue(node: Node): Node {
  let current = node;
  while (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current)
    || Node.isNonNullExpression(current) || Node.isTypeAssertion(current) || Node.isAwaitExpression(current)) {
    current = current.getExpression();
  }
  return current;
}

export class ModelProof {
  private readonly proofs = new Map<ts.Node, Proof>();

  constructor(private readonly bindings: Bindings, private readonly index: SymbolIndex) {}

  /** Whether `node` is a tfjs model, or why that is not known. */
  of(node: Node, depth = 0): Proof {
    // A variable is proven once, whichever of its identifiers asks.
    const raw = (Node.isIdentifier(node) && this.index.variableOf(node)) || node.compilerNode;
    const known = this.proofs.get(raw);
    if (known) return known;
    // A cycle (a variable assigned from itself) proves nothing.
    this.proofs.set(raw, notProven(`'${shown(node)}' is not provably a tfjs model`));
    const proof = depth > MAX_DEPTH ? notProven(`'${shown(node)}' is not provably a tfjs model (followed too far)`) : this.prove(unwrapValue(node), depth);
    this.proofs.set(raw, proof);
    return proof;
  }

  private prove(value: Node, depth: number): Proof {
    if (Node.isCallExpression(value)) return this.ofCall(value, depth);
    if (Node.isIdentifier(value)) return this.ofVariable(value, depth);
    if (Node.isPropertyAccessExpression(value) && value.getExpression().getKind() === SyntaxKind.ThisKeyword) return this.ofThisProperty(value.getName(), value, depth);
    if (Node.isNewExpression(value)) return notProven(`'${shown(value)}' makes a ${value.getExpression().getText()}, not a tfjs model (a wrapper's compile need not be tfjs')`);
    return notProven(`'${shown(value)}' is not provably a tfjs model`);
  }

  private ofCall(call: Node & { getExpression(): Node }, depth: number): Proof {
    const callee = unwrapValue(call.getExpression());
    if (Node.isPropertyAccessExpression(callee) && MODEL_FACTORIES.has(callee.getName()) && Node.isIdentifier(callee.getExpression())) {
      const origin = tfjsOrigin(callee.getExpression() as Identifier, this.bindings, this.index);
      if ('reason' in origin) return notProven(origin.reason);
      return origin.namespace.module.models ? PROVEN : notProven(`${origin.namespace.module.name} has no '${callee.getName()}'`);
    }
    if (Node.isIdentifier(callee)) {
      const declaration = this.index.declarationOf(callee);
      const exported = this.bindings.namedFunctions.get(callee.getText());
      if (exported !== undefined && MODEL_FACTORIES.has(exported) && declaration && this.bindings.namedDeclarations.has(declaration)) return PROVEN;
      const fn = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
      if (fn && (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isArrowFunction(fn))) return this.ofFunctionResult(fn, depth);
    }
    return notProven(`'${shown(call)}' calls a function this codemod does not see into`);
  }

  /** A function of this file whose every return value is a model. */
  private ofFunctionResult(fn: Node, depth: number): Proof {
    const name = functionName(fn) ?? 'the function';
    const body = Node.isArrowFunction(fn) ? fn.getBody() : (fn as Node & { getBody(): Node | undefined }).getBody();
    if (!body) return notProven(`'${name}' has no body in this file`);
    if (!Node.isBlock(body)) return this.of(body, depth + 1);
    const returned = this.index.nodes.findWithin<ReturnStatement>(body, ts.isReturnStatement)
      .filter((statement) => statement.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor)) === fn)
      .map((statement) => statement.getExpression());
    if (returned.length === 0 || returned.some((value) => value === undefined)) return notProven(`'${name}' does not always return a model`);
    for (const value of returned) {
      const proof = this.of(value!, depth + 1);
      if (!proof.model) return proof;
    }
    return PROVEN;
  }

  private ofVariable(identifier: Identifier, depth: number): Proof {
    const name = identifier.getText();
    const declaration = this.index.declarationOf(identifier);
    if (!declaration) return notProven(`'${name}' is not declared in this file`);
    if (hasModelType(declaration) || hasModelTypeInPattern(declaration)) return PROVEN;
    if (Node.isParameterDeclaration(declaration)) return this.ofParameter(declaration, depth);
    if (!Node.isVariableDeclaration(declaration)) return notProven(`'${name}' is not provably a tfjs model (declared by ${kindName(declaration)})`);
    const initializer = declaration.getInitializer();
    const values = [...(initializer ? [initializer] : []), ...this.index.assignedValues(identifier)];
    if (values.length === 0) return notProven(`'${name}' is never given a value in this file`);
    for (const value of values) {
      const proof = this.of(value, depth + 1);
      if (!proof.model) return proof;
    }
    return PROVEN;
  }

  /**
   * An untyped parameter of a function of this file that is not exported and only ever called here,
   * each time with a model in its place (`function compileModel(model) {...}` then
   * `compileModel(tf.sequential(...))`).
   */
  private ofParameter(parameter: ParameterDeclaration, depth: number): Proof {
    const name = parameter.getName();
    const untyped = notProven(`'${name}' is a parameter with no tfjs model type; type it (tf.LayersModel, or JSDoc @param) or convert where the model is built`);
    const fn = parameter.getParent();
    const position = (fn as Node & { getParameters?(): ParameterDeclaration[] }).getParameters?.().indexOf(parameter) ?? -1;
    const holder = Node.isFunctionDeclaration(fn) ? fn : Node.isVariableDeclaration(fn.getParent()) ? fn.getParent() : undefined;
    const fnName = (holder as (FunctionDeclaration | VariableDeclaration) | undefined)?.getNameNode();
    if (!holder || position < 0 || !Node.isIdentifier(fnName) || isExported(holder)) return untyped;
    const uses = this.index.references(fnName);
    if (uses.length === 0) return untyped;
    for (const use of uses) {
      const call = use.getParent();
      if (!Node.isCallExpression(call) || call.getExpression() !== use) return untyped; // passed around: other callers unknown
      const argument = call.getArguments()[position];
      const proof = argument && !Node.isSpreadElement(argument) ? this.of(argument, depth + 1) : undefined;
      if (!proof?.model) return notProven(`'${name}' is a parameter of '${fnName.getText()}', called with '${argument ? shown(argument) : 'nothing'}', which is not provably a tfjs model`);
    }
    return PROVEN;
  }

  /** `this.model`: declared with a model type in its class, or only ever assigned models there. */
  private ofThisProperty(name: string, access: Node, depth: number): Proof {
    const owner = access.getFirstAncestor((ancestor) => Node.isClassDeclaration(ancestor) || Node.isClassExpression(ancestor)) as
      ClassDeclaration | ClassExpression | undefined;
    if (!owner) return notProven(`'this.${name}' is used outside a class`);
    const property = owner.getProperty(name);
    if (property && hasModelType(property)) return PROVEN;
    const parameterProperty = owner.getConstructors().flatMap((constructor) => constructor.getParameters())
      .find((parameter) => parameter.isParameterProperty() && parameter.getName() === name);
    if (parameterProperty) return hasModelType(parameterProperty) ? PROVEN : notProven(`'this.${name}' has no tfjs model type`);
    const values = this.index.nodes.findWithin<BinaryExpression>(owner, (node) =>
      ts.isBinaryExpression(node) && node.operatorToken.kind === SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)
      && node.left.name.text === name && node.left.expression.kind === SyntaxKind.ThisKeyword)
      .map((binary) => binary.getRight());
    if (values.length === 0) return notProven(`'this.${name}' is never assigned in its class`);
    for (const value of values) {
      const proof = this.of(value, depth + 1);
      if (!proof.model) return proof;
    }
    return PROVEN;
  }
}

/** A declared type (TypeScript) or JSDoc type naming LayersModel or Sequential. */
function hasModelType(declaration: Node): boolean {
  const typeNode = (declaration as Node & { getTypeNode?(): Node | undefined }).getTypeNode?.();
  if (typeNode && MODEL_TYPE.test(typeNode.getText())) return true;
  const jsDocType = ts.getJSDocType(declaration.compilerNode);
  return jsDocType !== undefined && MODEL_TYPE.test(jsDocType.getText(declaration.getSourceFile().compilerNode));
}

/** `{ model }: { model: tf.LayersModel }`: a destructured parameter whose type literal gives the property a model type. */
function hasModelTypeInPattern(declaration: Node): boolean {
  if (!Node.isBindingElement(declaration)) return false;
  const parameter = declaration.getParent().getParent();
  const typeNode = Node.isParameterDeclaration(parameter) ? parameter.getTypeNode() : undefined;
  if (!Node.isTypeLiteral(typeNode)) return false;
  const property = typeNode.getProperty((declaration.getPropertyNameNode() ?? declaration.getNameNode()).getText());
  return property !== undefined && MODEL_TYPE.test(property.getTypeNode()?.getText() ?? '');
}

/** `export function f`, `export default function`, `export const f = ...` (an `export { f }` is a use that is not a call). */
function isExported(holder: Node): boolean {
  const statement = Node.isVariableDeclaration(holder) ? holder.getVariableStatement() : holder;
  const modifiers = (statement?.compilerNode as ts.HasModifiers | undefined)?.modifiers ?? [];
  return modifiers.some((modifier) => modifier.kind === SyntaxKind.ExportKeyword);
}

function kindName(node: Node): string {
  if (Node.isImportSpecifier(node) || Node.isImportClause(node) || Node.isNamespaceImport(node)) return 'an import';
  if (Node.isBindingElement(node)) return 'destructuring';
  return node.getKindName();
}

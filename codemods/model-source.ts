// Where an optimizer's parameter groups come from: the model it is compiled with, the variable
// list a training loop hands to minimize(), or the model a loop's loss function runs. The answer
// is an expression (its text goes into layerDecayGroups(...)) or the reason there is none.
import {
  Node, SyntaxKind, type CallExpression, type Expression, type Identifier, type ObjectLiteralExpression, type PropertyAssignment,
  type ShorthandPropertyAssignment,
} from 'ts-morph';
import { tfjsFunctionCalled, type Bindings } from './bindings.js';
import { isValueReference, unavailableReason } from './availability.js';
import type { SymbolIndex } from './references.js';

export interface ModelSource {
  /** The expression whose text becomes layerDecayGroups' first argument. */
  node: Node;
  text: string;
  /** Evaluated in the same call as the optimizer (model.compile's receiver): always available. */
  inline: boolean;
}

export type Resolution = { source: ModelSource } | { reason: string };

/** A model.compile(options) call and whether the options object is written in the call itself. */
export interface CompileUse { call: CallExpression; receiver: Expression; inline: boolean }

const NO_MODEL = 'no model in reach: the optimizer is not passed to model.compile or used by minimize/applyGradients in this file';
const MODEL_FACTORIES = new Set(['sequential', 'model', 'loadLayersModel']);
const MODEL_METHODS = new Set(['compile', 'fit', 'fitDataset', 'predict', 'evaluate', 'trainOnBatch', 'summary']);
const MODEL_TYPE = /\b(?:LayersModel|Sequential)\b/;

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(node: Node): Node {
  let current = node;
  while (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current)
    || Node.isNonNullExpression(current) || Node.isTypeAssertion(current)) {
    current = current.getExpression();
  }
  return current;
}

/**
 * The outermost node whose value is `node`'s (the reverse of unwrap), through the branches of
 * `cond ? a : b` too: either branch is what the enclosing code gets.
 */
export function outermost(node: Node): Node {
  let current = node;
  for (let parent = current.getParent(); parent; parent = current.getParent()) {
    const sameValue = Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) || Node.isSatisfiesExpression(parent)
      || Node.isNonNullExpression(parent) || Node.isTypeAssertion(parent)
      || (Node.isConditionalExpression(parent) && parent.getCondition() !== current);
    if (!sameValue) break;
    current = parent;
  }
  return current;
}

/** `model`, `this.model`, `models[i]`: safe to evaluate twice, unlike `getModel()`. */
export function isPlainReference(node: Node): boolean {
  if (Node.isIdentifier(node) || node.getKind() === SyntaxKind.ThisKeyword) return true;
  if (Node.isNonNullExpression(node) || Node.isParenthesizedExpression(node)) return isPlainReference(node.getExpression());
  if (Node.isPropertyAccessExpression(node)) return !node.hasQuestionDotToken() && isPlainReference(node.getExpression());
  if (Node.isElementAccessExpression(node)) {
    const argument = node.getArgumentExpression();
    return !node.hasQuestionDotToken() && argument !== undefined
      && (Node.isIdentifier(argument) || Node.isStringLiteral(argument) || Node.isNumericLiteral(argument))
      && isPlainReference(node.getExpression());
  }
  return false;
}

/** The property `name` of an object literal (`name: v`, `'name': v` or `{ name }`). */
export function propertyNamed(object: ObjectLiteralExpression, name: string): PropertyAssignment | ShorthandPropertyAssignment | undefined {
  return object.getProperties().find((property): property is PropertyAssignment | ShorthandPropertyAssignment =>
    (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) && propertyName(property) === name);
}

export function propertyName(property: Node): string | undefined {
  if (!(Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property))) return undefined;
  const name = property.getNameNode();
  if (Node.isIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralText();
  return undefined;
}

export class ModelFinder {
  /** Options objects that reach model.compile, with the calls they reach. */
  readonly compileUses = new Map<ObjectLiteralExpression, CompileUse[]>();
  private readonly evidence = new Map<string, boolean>();

  constructor(private readonly bindings: Bindings, private readonly index: SymbolIndex) {
    for (const call of index.nodes.allCalls()) {
      const callee = call.getExpression();
      const [options] = call.getArguments();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'compile' || options === undefined) continue;
      const argument = unwrap(options);
      let object: Node | undefined;
      if (Node.isObjectLiteralExpression(argument)) object = argument;
      else if (Node.isIdentifier(argument)) {
        const declaration = this.index.declarationOf(argument);
        const initializer = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
        if (initializer) object = unwrap(initializer);
      }
      if (!Node.isObjectLiteralExpression(object)) continue;
      const uses = this.compileUses.get(object) ?? [];
      uses.push({ call, receiver: callee.getExpression(), inline: object === argument });
      this.compileUses.set(object, uses);
    }
  }

  /** The model(s) an options object is compiled into, as one source or a reason. */
  compiledModel(object: ObjectLiteralExpression, site: Node): Resolution {
    const uses = this.compileUses.get(object) ?? [];
    return this.agree(uses.map((use) => ({ source: { node: use.receiver, text: use.receiver.getText(), inline: use.inline } })), site);
  }

  /** The source of the groups for an optimizer bound to a variable (`const opt = tf.train.adam()`). */
  forVariable(name: Identifier, site: Node): Resolution {
    const found: Resolution[] = [];
    for (const reference of this.index.references(name)) {
      const use = outermost(reference);
      const parent = use.getParent();
      if ((Node.isPropertyAssignment(parent) && parent.getInitializer() === use) || Node.isShorthandPropertyAssignment(parent)) {
        const object = parent.getParent();
        if (propertyName(parent) === 'optimizer' && Node.isObjectLiteralExpression(object) && this.compileUses.has(object)) {
          found.push(...this.compileUses.get(object)!.map((compile) => ({ source: { node: compile.receiver, text: compile.receiver.getText(), inline: false } })));
        }
        continue;
      }
      if (!Node.isPropertyAccessExpression(parent) || parent.getExpression() !== use) continue;
      const call = parent.getParent();
      if (!Node.isCallExpression(call) || call.getExpression() !== parent) continue;
      if (parent.getName() === 'minimize') found.push(this.forMinimize(call));
      if (parent.getName() === 'applyGradients') found.push(this.forApplyGradients(call));
    }
    return this.agree(found, site);
  }

  /** opt.minimize(f, returnCost?, varList?): the variable list, else the model f runs. */
  private forMinimize(call: CallExpression): Resolution {
    const [lossFunction, , varList] = call.getArguments();
    if (varList && !isNullish(varList)) return { source: { node: varList, text: varList.getText(), inline: false } };
    return this.modelRunBy(lossFunction, 'the loss function given to minimize()');
  }

  /** opt.applyGradients(grads): through `const {grads} = tf.variableGrads(f, varList?)`, else the enclosing loop. */
  private forApplyGradients(call: CallExpression): Resolution {
    const [gradients] = call.getArguments();
    const gradientsCall = gradients ? this.variableGradsCall(unwrap(gradients)) : undefined;
    if (gradientsCall) {
      const [lossFunction, varList] = gradientsCall.getArguments();
      if (varList && !isNullish(varList)) return { source: { node: varList, text: varList.getText(), inline: false } };
      return this.modelRunBy(lossFunction, 'the function given to variableGrads()');
    }
    const region = call.getFirstAncestor((ancestor) => Node.isIterationStatement(ancestor) || Node.isFunctionLikeDeclaration(ancestor));
    return region ? this.modelIn(region, 'the loop that calls applyGradients()') : { reason: NO_MODEL };
  }

  /** The tf.variableGrads(...) call that `grads` or `result.grads` comes from. */
  private variableGradsCall(node: Node): CallExpression | undefined {
    let identifier: Node = node;
    if (Node.isPropertyAccessExpression(node) && node.getName() === 'grads') identifier = unwrap(node.getExpression());
    if (!Node.isIdentifier(identifier)) return undefined;
    const declaration = this.index.declarationOf(identifier);
    const variable = Node.isBindingElement(declaration) ? declaration.getFirstAncestorByKind(SyntaxKind.VariableDeclaration) : declaration;
    const initializer = Node.isVariableDeclaration(variable) ? variable.getInitializer() : undefined;
    const value = initializer ? unwrap(initializer) : undefined;
    return value && tfjsFunctionCalled(value, this.bindings) === 'variableGrads' ? value as CallExpression : undefined;
  }

  /** The model a loss function runs: the function written inline, or the one a name is bound to. */
  private modelRunBy(lossFunction: Node | undefined, what: string): Resolution {
    if (!lossFunction) return { reason: NO_MODEL };
    let region: Node | undefined = unwrap(lossFunction);
    if (Node.isIdentifier(region)) {
      const declaration = this.index.declarationOf(region);
      region = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
    }
    if (!region || !(Node.isArrowFunction(region) || Node.isFunctionExpression(region) || Node.isFunctionDeclaration(region))) {
      return { reason: `no model in reach: ${what} is not written in this file` };
    }
    return this.modelIn(region, what);
  }

  /**
   * The one model a piece of code uses: receivers of .predict(), and variables known to hold a
   * model, also in the functions of this file it calls (a loss helper). A function's own
   * parameters are left out: its caller's arguments are what counts, and they are searched too.
   */
  private modelIn(region: Node, what: string): Resolution {
    const models = new Map<string, Node>();
    for (const code of this.withCalledFunctions(region)) {
      const found: Node[] = [];
      for (const call of this.index.nodes.callsWithin(code)) {
        const callee = call.getExpression();
        if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'predict' && isPlainReference(callee.getExpression())) {
          found.push(callee.getExpression());
        }
      }
      for (const identifier of this.index.nodes.identifiersWithin(code)) {
        if (isValueReference(identifier) && this.holdsModel(identifier)) found.push(identifier);
      }
      for (const node of found) if (!this.isParameterOf(node, code)) models.set(node.getText(), node);
    }
    if (models.size === 0) return { reason: `no model in reach: ${what} runs no model this codemod can see` };
    if (models.size > 1) return { reason: `${what} runs several models (${[...models.keys()].join(', ')}); choose the groups by hand` };
    const [[text, node]] = [...models];
    return { source: { node, text, inline: false } };
  }

  /** A function and the functions declared in this file it calls, a few calls deep. */
  private withCalledFunctions(code: Node, depth = 0, seen = new Set<Node>()): Node[] {
    if (seen.has(code)) return [];
    seen.add(code);
    const found = [code];
    if (depth >= 3) return found;
    for (const call of this.index.nodes.callsWithin(code)) {
      const callee = call.getExpression();
      if (!Node.isIdentifier(callee)) continue;
      const declaration = this.index.declarationOf(callee);
      const called = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
      if (called && (Node.isFunctionDeclaration(called) || Node.isArrowFunction(called) || Node.isFunctionExpression(called))) {
        found.push(...this.withCalledFunctions(called, depth + 1, seen));
      }
    }
    return found;
  }

  private isParameterOf(node: Node, code: Node): boolean {
    let root = node;
    while (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root) || Node.isNonNullExpression(root)) root = root.getExpression();
    if (!Node.isIdentifier(root)) return false;
    const declaration = this.index.declarationOf(root);
    return Node.isParameterDeclaration(declaration) && declaration.getParent() === code;
  }

  /** Whether a variable holds a LayersModel: built by tf.sequential/model/loadLayersModel, typed so, or used like one. */
  private holdsModel(identifier: Identifier): boolean {
    const symbol = this.index.symbolOf(identifier);
    const declaration = symbol?.getDeclarations()[0];
    if (!symbol || !declaration) return false;
    const key = `${declaration.getStart()}:${identifier.getText()}`;
    const known = this.evidence.get(key);
    if (known !== undefined) return known;
    let holds = false;
    if (Node.isVariableDeclaration(declaration) || Node.isParameterDeclaration(declaration)) {
      const initializer = declaration.getInitializer();
      let value = initializer ? unwrap(initializer) : undefined;
      if (value && Node.isAwaitExpression(value)) value = unwrap(value.getExpression());
      const factory = value ? tfjsFunctionCalled(value, this.bindings) : undefined;
      holds = (factory !== undefined && MODEL_FACTORIES.has(factory)) || MODEL_TYPE.test(declaration.getTypeNode()?.getText() ?? '');
    }
    holds ||= this.index.referencesTo(identifier.getText(), symbol).some((reference) => {
      const parent = reference.getParent();
      return Node.isPropertyAccessExpression(parent) && parent.getExpression() === reference && MODEL_METHODS.has(parent.getName())
        && Node.isCallExpression(parent.getParent());
    });
    this.evidence.set(key, holds);
    return holds;
  }

  /** One source from several uses: all must name the same expression, evaluable where the optimizer is built. */
  private agree(found: readonly Resolution[], site: Node): Resolution {
    const sources = found.flatMap((resolution) => ('source' in resolution ? [resolution.source] : []));
    if (sources.length === 0) {
      const reason = found.find((resolution): resolution is { reason: string } => 'reason' in resolution);
      return reason ?? { reason: NO_MODEL };
    }
    const texts = [...new Set(sources.map((source) => source.text))];
    if (texts.length > 1) return { reason: `the optimizer is used with several models or variable lists (${texts.join(', ')})` };
    for (const source of sources) {
      if (!source.inline && !isSafeToRepeat(source.node)) {
        return { reason: `'${source.text}' cannot be evaluated again where the optimizer is built` };
      }
      if (source.inline) {
        if (!isPlainReference(source.node)) return { reason: `'${source.text}' is not a plain reference to a model` };
        continue;
      }
      const reason = unavailableReason(source.node, site, this.index);
      if (reason) return { reason };
    }
    return { source: sources[0]! };
  }
}

/** Methods that read a variable list without changing anything: `model.trainableWeights.map((w) => w.read())`. */
const READING_METHODS = new Set(['map', 'filter', 'slice', 'concat', 'flat', 'flatMap', 'read']);

/** An expression that gives the same variables when evaluated a second time, earlier. */
function isSafeToRepeat(node: Node): boolean {
  if (isPlainReference(node)) return true;
  if (Node.isArrayLiteralExpression(node)) return node.getElements().every(isSafeToRepeat);
  if (Node.isArrowFunction(node)) return true; // a callback of a reading method: runs only when called
  if (Node.isPropertyAccessExpression(node)) return !node.hasQuestionDotToken() && isSafeToRepeat(node.getExpression());
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    return Node.isPropertyAccessExpression(callee) && READING_METHODS.has(callee.getName()) && isSafeToRepeat(callee.getExpression())
      && node.getArguments().every(isSafeToRepeat);
  }
  return false;
}

function isNullish(node: Node): boolean {
  const value = unwrap(node);
  return value.getKind() === SyntaxKind.NullKeyword || (Node.isIdentifier(value) && value.getText() === 'undefined');
}

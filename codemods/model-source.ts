// Where an optimizer's parameter groups come from: the model it is compiled with, the model a
// training loop's variable list comes from, or the model whose variables a loop's loss trains. The
// answer is an expression that is provably a tfjs model (model-proof.ts; its text goes into
// layerDecayGroups(...)) or the reason there is none.
import { Node, SyntaxKind, ts } from './ts-morph.cjs';
import type { CallExpression, Expression, Identifier, ObjectLiteralExpression } from 'ts-morph';
import { tfjsFunctionCalled, type Bindings } from './bindings.js';
import { isValueReference, unavailableReason } from './availability.js';
import { isPlainReference, outermost, propertyName, shown, unwrap } from './expressions.js';
import { ModelProof } from './model-proof.js';
import type { SymbolIndex } from './references.js';

export interface ModelSource {
  /** The model expression whose text becomes layerDecayGroups' first argument. */
  node: Node;
  text: string;
  /** Evaluated in the same call as the optimizer (model.compile's receiver): always available. */
  inline: boolean;
}

export type Resolution = { source: ModelSource } | { reason: string };

/** A model.compile(options) call and whether the options object is written in the call itself. */
export interface CompileUse { call: CallExpression; receiver: Expression; inline: boolean }

const NO_MODEL = 'no model in reach: the optimizer is not passed to model.compile or used by minimize/applyGradients in this file';
/** Methods that run a model on inputs: what a loss function calls on the model it trains. */
const RUN_METHODS = new Set(['predict', 'apply', 'execute']);
/** A model's lists of variables (tfjs-layers LayersModel). */
const WEIGHT_LISTS = new Set(['trainableWeights', 'weights', 'trainableVariables']);
/** Methods that read a list without changing what it holds the variables of. */
const READING_METHODS = new Set(['map', 'filter', 'slice', 'concat', 'flat', 'flatMap']);

export class ModelFinder {
  /** Options objects that reach model.compile, with the calls they reach. */
  readonly compileUses = new Map<ObjectLiteralExpression, CompileUse[]>();
  readonly proof: ModelProof;
  private frozen?: Set<string>;

  constructor(private readonly bindings: Bindings, private readonly index: SymbolIndex) {
    this.proof = new ModelProof(bindings, index);
    const isCompileCall = (raw: ts.CallExpression) => raw.arguments.length > 0 && ts.isPropertyAccessExpression(raw.expression) && raw.expression.name.text === 'compile';
    for (const call of index.nodes.callsWhere(isCompileCall)) {
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
    return this.agree((this.compileUses.get(object) ?? []).map((use) => this.compiledInto(use, use.inline)), site);
  }

  /** A compile call's receiver, if it is provably a tfjs model (a wrapper's compile may take anything). */
  private compiledInto(use: CompileUse, inline: boolean): Resolution {
    const proof = this.proof.of(use.receiver);
    if (!proof.model) return { reason: `model.compile is called on '${shown(use.receiver)}', which is not provably a tfjs model: ${proof.reason}` };
    return { source: { node: use.receiver, text: use.receiver.getText(), inline } };
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
          found.push(...this.compileUses.get(object)!.map((compile) => this.compiledInto(compile, false)));
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

  /** opt.minimize(f, returnCost?, varList?): the model of the variable list, else the model f trains. */
  private forMinimize(call: CallExpression): Resolution {
    const [lossFunction, , varList] = call.getArguments();
    if (varList && !isNullish(varList)) return this.modelOfVariableList(varList);
    return this.modelTrainedBy(lossFunction, 'the loss function given to minimize()');
  }

  /** opt.applyGradients(grads): through `const {grads} = tf.variableGrads(f, varList?)`, else the enclosing loop. */
  private forApplyGradients(call: CallExpression): Resolution {
    const [gradients] = call.getArguments();
    const gradientsCall = gradients ? this.variableGradsCall(unwrap(gradients)) : undefined;
    if (gradientsCall) {
      const [lossFunction, varList] = gradientsCall.getArguments();
      if (varList && !isNullish(varList)) return this.modelOfVariableList(varList);
      return this.modelTrainedBy(lossFunction, 'the function given to variableGrads()');
    }
    const region = call.getFirstAncestor((ancestor) => Node.isIterationStatement(ancestor) || Node.isFunctionLikeDeclaration(ancestor));
    return region ? this.trainedModelIn(region, 'the loop that calls applyGradients()') : { reason: NO_MODEL };
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

  /**
   * The model a variable list comes from: `model.trainableWeights.map((w) => w.read())`,
   * `model.getWeights()`, or a constant holding one. A list of bare variables (`[w, b]`) has no
   * layers for layerDecayGroups to find depths in.
   */
  private modelOfVariableList(list: Node, depth = 0): Resolution {
    const value = unwrap(list);
    const unknown = { reason: `the variable list '${shown(list)}' does not come from a model this codemod can see; give the groups by hand` };
    if (Node.isArrayLiteralExpression(value)) {
      return { reason: `the variable list '${shown(value)}' holds variables, not a model's: layerDecayGroups needs a model's layers; give the groups by hand ([{ params: [...] }])` };
    }
    if (Node.isIdentifier(value) && depth < 3) {
      const declaration = this.index.declarationOf(value);
      const initializer = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
      const written = this.index.writes(value).length > 0;
      return initializer && !written ? this.modelOfVariableList(initializer, depth + 1) : unknown;
    }
    let model: Node | undefined;
    if (Node.isPropertyAccessExpression(value) && WEIGHT_LISTS.has(value.getName())) model = value.getExpression();
    if (Node.isCallExpression(value)) {
      const callee = value.getExpression();
      if (Node.isPropertyAccessExpression(callee) && READING_METHODS.has(callee.getName())) return this.modelOfVariableList(callee.getExpression(), depth);
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'getWeights') model = callee.getExpression();
    }
    if (!model) return unknown;
    const proof = this.proof.of(model);
    if (!proof.model) return { reason: `the variable list comes from '${shown(model)}', which is not provably a tfjs model: ${proof.reason}` };
    return { source: { node: model, text: model.getText(), inline: false } };
  }

  /** The model a loss function trains: the function written inline, or the one a name is bound to. */
  private modelTrainedBy(lossFunction: Node | undefined, what: string): Resolution {
    if (!lossFunction) return { reason: NO_MODEL };
    let region: Node | undefined = unwrap(lossFunction);
    if (Node.isIdentifier(region)) {
      const declaration = this.index.declarationOf(region);
      region = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
    }
    if (!region || !(Node.isArrowFunction(region) || Node.isFunctionExpression(region) || Node.isFunctionDeclaration(region))) {
      return { reason: `no model in reach: ${what} is not written in this file` };
    }
    return this.trainedModelIn(region, what);
  }

  /**
   * The one model whose variables a piece of code trains: the tfjs models it (and the functions of
   * this file it calls, a few calls deep) runs or names, less those frozen with `.trainable =
   * false`. Gradients reach every other model a loss runs, predict() included, so two trainable
   * models are reported, never guessed between. A function's own parameters are left out: its
   * caller's arguments are what counts, and they are searched too.
   */
  private trainedModelIn(region: Node, what: string): Resolution {
    const models = new Map<string, Node>();
    let unproven: string | undefined;
    for (const code of this.withCalledFunctions(region)) {
      const candidates: Node[] = [];
      for (const call of this.index.nodes.callsWithin(code)) {
        const callee = call.getExpression();
        if (Node.isPropertyAccessExpression(callee) && RUN_METHODS.has(callee.getName()) && isPlainReference(callee.getExpression())) {
          candidates.push(callee.getExpression());
        }
      }
      for (const identifier of this.index.nodes.identifiersWithin(code)) {
        if (isValueReference(identifier)) candidates.push(identifier);
      }
      for (const node of candidates) {
        if (this.isParameterOf(node, code) || models.has(node.getText())) continue;
        const proof = this.proof.of(node);
        if (proof.model) models.set(node.getText(), node);
        else if (isRunReceiver(node)) unproven ??= `${what} runs '${shown(node)}', which is not provably a tfjs model: ${proof.reason}`;
      }
    }
    const frozen = [...models.keys()].filter((text) => this.frozenModels().has(text));
    for (const text of frozen) models.delete(text);
    if (models.size === 0) {
      if (frozen.length) return { reason: `${what} runs only frozen models (${frozen.join(', ')}: trainable = false)` };
      return { reason: unproven ?? `no model in reach: ${what} runs no model this codemod can see` };
    }
    if (models.size > 1) {
      return {
        reason: `${what} runs several trainable models (${[...models.keys()].join(', ')}); gradients reach each of them: `
          + 'set trainable = false on the ones it does not train, or give the groups by hand',
      };
    }
    const [[text, node]] = [...models];
    return { source: { node, text, inline: false } };
  }

  /** Models set `.trainable = false` somewhere in the file (a DQN's target network), by their text. */
  private frozenModels(): Set<string> {
    if (!this.frozen) {
      this.frozen = new Set();
      for (const identifier of this.index.nodes.identifiersNamed('trainable')) {
        const access = identifier.getParent();
        const assignment = access?.getParent();
        if (Node.isPropertyAccessExpression(access) && Node.isBinaryExpression(assignment) && assignment.getLeft() === access
          && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken && assignment.getRight().getKind() === SyntaxKind.FalseKeyword) {
          this.frozen.add(access.getExpression().getText());
        }
      }
    }
    return this.frozen;
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

  /**
   * One source from every use of the optimizer: all must resolve, all must name the same model,
   * and it must be complete and evaluable where the optimizer is built.
   */
  private agree(found: readonly Resolution[], site: Node): Resolution {
    const reason = found.find((resolution): resolution is { reason: string } => 'reason' in resolution);
    if (reason) return reason;
    const sources = found.map((resolution) => (resolution as { source: ModelSource }).source);
    if (sources.length === 0) return { reason: NO_MODEL };
    const texts = [...new Set(sources.map((source) => source.text))];
    if (texts.length > 1) return { reason: `the optimizer is used with several models or variable lists (${texts.join(', ')})` };
    for (const source of sources) {
      if (source.inline) {
        if (!isPlainReference(source.node)) return { reason: `'${source.text}' is not a plain reference to a model` };
        continue;
      }
      if (!isPlainReference(source.node)) return { reason: `'${source.text}' cannot be evaluated again where the optimizer is built` };
      const unavailable = unavailableReason(source.node, site, this.index);
      if (unavailable) return { reason: unavailable };
    }
    const added = this.layersAddedAfter(sources[0]!.node, site);
    if (added) {
      return {
        reason: `'${sources[0]!.text}' gets layers after the optimizer is built (${added.getText().length > 40 ? `${sources[0]!.text}.add(...)` : added.getText()}, line ${added.getStartLineNumber()}): `
          + 'groups built here would miss them; build the optimizer after the last add',
      };
    }
    return { source: sources[0]! };
  }

  /** A `model.add(...)` on the same model, after the optimizer is built. */
  private layersAddedAfter(model: Node, site: Node): CallExpression | undefined {
    const text = model.getText();
    const sourceFile = model.getSourceFile().compilerNode;
    const identifier = Node.isIdentifier(model) ? model : undefined;
    const added = this.index.nodes.rawIdentifiersNamed('add').find((name) => {
      const access = name.parent;
      const call = access?.parent;
      if (!ts.isPropertyAccessExpression(access) || access.name !== name || !ts.isCallExpression(call) || call.expression !== access) return false;
      if (call.getStart(sourceFile) < site.getStart() || access.expression.getText(sourceFile) !== text) return false;
      return !identifier || (ts.isIdentifier(access.expression) && this.index.sameVariable(identifier, access.expression));
    });
    return added && this.index.nodes.wrap<CallExpression>(added.parent.parent);
  }
}

/** The receiver of model.predict/apply/execute(...). */
function isRunReceiver(node: Node): boolean {
  const access = node.getParent();
  return Node.isPropertyAccessExpression(access) && access.getExpression() === node && RUN_METHODS.has(access.getName());
}

function isNullish(node: Node): boolean {
  const value = unwrap(node);
  return value.getKind() === SyntaxKind.NullKeyword || (Node.isIdentifier(value) && value.getText() === 'undefined');
}

// Finds the places that build a single-learning-rate optimizer and decides, for each, whether it
// can be converted and with which groups. Pure analysis of one parse: nothing here edits text.
import { Node, SyntaxKind, ts } from './ts-morph.cjs';
import type { CallExpression, ElementAccessExpression, Identifier, ObjectLiteralExpression, PropertyAccessExpression } from 'ts-morph';
import type { Bindings } from './bindings.js';
import { compileStringOptimizer } from './compile-strings.js';
import { isValueReference } from './availability.js';
import { outermost, propertyName, propertyNamed, shown, unwrap } from './expressions.js';
import { ModelFinder, type Resolution } from './model-source.js';
import type { SymbolIndex } from './references.js';
import { functionName, tfjsOrigin } from './tfjs-origin.js';
import { RULE_NAMES } from '../src/rules/index.js';

/** The tf.train factories that take parameter groups once install(tf) ran. */
const RULES = new Set<string>(RULE_NAMES);

export type SiteKind = 'factory' | 'compile-string' | 'compile';

interface SiteBase {
  kind: SiteKind;
  /** Where the site is reported (line and column) and where a TODO comment goes. */
  node: Node;
}

/** `tf.train.adam(0.001)`: groups go first, the stock arguments stay. */
export interface FactorySite extends SiteBase {
  kind: 'factory';
  converted: true;
  call: CallExpression;
  rule: string;
  groupsSource: string;
}

/** `optimizer: 'adam'`: replaced by the factory with tfjs-layers' learning rate for the string. */
export interface CompileStringSite extends SiteBase {
  kind: 'compile-string';
  converted: true;
  /** The value replaced: the string, a name bound to it, or the whole shorthand `{ optimizer }`. */
  value: Node;
  shorthand: boolean;
  rule: string;
  learningRate: number;
  groupsSource: string;
}

export interface UnconvertedSite extends SiteBase {
  converted: false;
  reason: string;
}

export type Site = FactorySite | CompileStringSite | UnconvertedSite;

export interface SiteContext {
  bindings: Bindings;
  index: SymbolIndex;
  /** Local names of this package's functions, to recognize code that is already converted. */
  packageCallees: Set<string>;
}

export function findSites(context: SiteContext): Site[] {
  const finder = new ModelFinder(context.bindings, context.index);
  const sites: Site[] = [];
  for (const access of factoryAccesses(context)) {
    const site = factorySite(access, context, finder);
    if (site) sites.push(site);
  }
  for (const object of finder.compileUses.keys()) {
    const site = compileSite(object, context, finder);
    if (site) sites.push(site);
  }
  return sites.sort((a, b) => a.node.getStart() - b.node.getStart());
}

/** `tf.train.adam` (or `train.adam`, `tf.train['sgd']`, `tf.train[name]`): a factory, called or not. */
interface FactoryAccess {
  /** The rule's name, or 'dynamic' for tf.train[name]. */
  rule: string;
  node: PropertyAccessExpression | ElementAccessExpression;
  /** The `tf` of `tf.train`; absent for a name bound to train by an import. */
  tf?: Identifier;
}

/** The factory a node names, if it is one. */
function factoryAccess(node: Node, bindings: Bindings): FactoryAccess | undefined {
  const value = unwrap(node);
  if (!Node.isPropertyAccessExpression(value) && !Node.isElementAccessExpression(value)) return undefined;
  const target = unwrap(value.getExpression());
  let tf: Identifier | undefined;
  if (Node.isPropertyAccessExpression(target) && target.getName() === 'train' && Node.isIdentifier(target.getExpression())) {
    tf = target.getExpression() as Identifier;
  } else if (!(Node.isIdentifier(target) && bindings.trainNames.includes(target.getText()))) {
    return undefined;
  }
  if (Node.isPropertyAccessExpression(value)) return RULES.has(value.getName()) ? { rule: value.getName(), node: value, tf } : undefined;
  const argument = value.getArgumentExpression();
  if (argument && (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument))) {
    return RULES.has(argument.getLiteralText()) ? { rule: argument.getLiteralText(), node: value, tf } : undefined;
  }
  return { rule: 'dynamic', node: value, tf };
}

/** Every factory the file names: through `<x>.train` and through the names bound to train. */
function factoryAccesses(context: SiteContext): FactoryAccess[] {
  const { bindings, index } = context;
  const found: FactoryAccess[] = [];
  for (const name of new Set(['train', ...bindings.trainNames])) {
    for (const raw of index.nodes.rawIdentifiersNamed(name)) {
      if (!isAccessedAfter(raw)) continue; // not `<train>.rule` or `<train>[rule]`: no factory (wrap only the few that are)
      const identifier = index.nodes.wrap<Identifier>(raw);
      const parent = identifier.getParent();
      const isTrainProperty = name === 'train' && Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier;
      const trainValue = isTrainProperty ? parent : bindings.trainNames.includes(name) && isValueReference(identifier) ? identifier : undefined;
      const access = trainValue && factoryAccess(trainValue.getParent()!, bindings);
      if (access && unwrap(access.node.getExpression()) === trainValue) found.push(access);
    }
  }
  return found;
}

/** Whether `train` (as `x.train` or alone) is followed by `.name` or `[name]`, through parentheses. */
function isAccessedAfter(identifier: ts.Identifier): boolean {
  let holder: ts.Node = ts.isPropertyAccessExpression(identifier.parent) && identifier.parent.name === identifier ? identifier.parent : identifier;
  while (ts.isParenthesizedExpression(holder.parent)) holder = holder.parent;
  const access = holder.parent;
  return (ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) && access.expression === holder;
}

/** The rule of a tf.train factory call, 'dynamic' for tf.train[name](...), else undefined. */
function factoryRule(call: CallExpression, bindings: Bindings): string | undefined {
  return factoryAccess(call.getExpression(), bindings)?.rule;
}

function factorySite(access: FactoryAccess, context: SiteContext, finder: ModelFinder): Site | undefined {
  const holder = outermost(access.node);
  const call = holder.getParent();
  const called = Node.isCallExpression(call) && call.getExpression() === holder;
  const node = called ? call : access.node;
  const unconverted = (reason: string): UnconvertedSite => ({ kind: 'factory', node, converted: false, reason });
  if (called) {
    const [first] = call.getArguments();
    if (first && isGroups(first, context)) return undefined; // already converted
  }
  if (access.tf) {
    const origin = tfjsOrigin(access.tf, context.bindings, context.index);
    if ('reason' in origin) return unconverted(origin.reason);
    if (!origin.namespace.module.train) return unconverted(`'${access.tf.getText()}' is ${origin.namespace.module.name}, which has no tf.train`);
  }
  if (!called) {
    return unconverted(`'${shown(access.node)}' is passed by reference, not called: groups can only be given to a call; `
      + 'call it where the model is known (tf.train.<rule>(layerDecayGroups(model, ...), lr))');
  }
  const rule = access.rule;
  if (rule === 'dynamic') return unconverted('the optimizer name is computed at run time (tf.train[...])');
  if (call.getArguments().some((argument) => Node.isSpreadElement(argument))) {
    return unconverted('spread arguments: the position of the learning rate is unknown');
  }
  const resolution = groupsForFactory(call, finder);
  if ('reason' in resolution) return unconverted(resolution.reason);
  return { kind: 'factory', node: call, converted: true, call, rule, groupsSource: resolution.source.text };
}

/** Follows the optimizer from where it is built to the model it trains. */
function groupsForFactory(call: CallExpression, finder: ModelFinder): Resolution {
  const value = outermost(call);
  const parent = value.getParent();
  if (Node.isPropertyAssignment(parent) && parent.getInitializer() === value) {
    const object = parent.getParent();
    if (propertyName(parent) === 'optimizer' && Node.isObjectLiteralExpression(object) && finder.compileUses.has(object)) {
      return finder.compiledModel(object, call);
    }
    return { reason: `the optimizer is put in an object ('${parent.getName()}') that does not reach model.compile in this file` };
  }
  if (Node.isVariableDeclaration(parent) && parent.getInitializer() === value) {
    const name = parent.getNameNode();
    if (Node.isIdentifier(name)) return finder.forVariable(name, call);
    return { reason: 'the optimizer is destructured' };
  }
  if (Node.isBinaryExpression(parent) && parent.getRight() === value && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
    const target = unwrap(parent.getLeft());
    if (Node.isIdentifier(target)) return finder.forVariable(target, call);
    return { reason: `the optimizer is stored in '${target.getText()}'; only local variables are followed` };
  }
  if (Node.isReturnStatement(parent) || Node.isArrowFunction(parent)) {
    const name = functionName(call.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor)));
    return { reason: `the optimizer is built in a factory function${name ? ` ('${name}')` : ''}; convert it where the model is known` };
  }
  if (Node.isCallExpression(parent) || Node.isNewExpression(parent)) {
    return { reason: `the optimizer is passed to '${parent.getExpression().getText()}'; no model in reach` };
  }
  return { reason: 'no model in reach: the optimizer is not passed to model.compile or kept in a variable' };
}

/** Whether a first argument is already parameter groups: an array, or layerDecayGroups(...) and the like. */
function isGroups(argument: Node, context: SiteContext, depth = 0): boolean {
  const value = unwrap(argument);
  if (Node.isArrayLiteralExpression(value)) return true;
  if (Node.isCallExpression(value)) return isPackageCall(value, context);
  if (Node.isIdentifier(value) && depth === 0) {
    const declaration = context.index.declarationOf(value);
    const initializer = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
    return initializer !== undefined && isGroups(initializer, context, depth + 1);
  }
  return false;
}

function isPackageCall(call: CallExpression, context: SiteContext): boolean {
  const callee = unwrap(call.getExpression());
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  return context.packageCallees.has(callee.getText()) || name === 'layerDecayGroups' || name === 'groupedOptimizer';
}

/** An optimizer value that already takes groups: a converted factory or this package's own. */
function isConverted(value: Node, context: SiteContext): boolean {
  if (!Node.isCallExpression(value)) return false;
  if (isPackageCall(value, context)) return true;
  const [first] = value.getArguments();
  return factoryRule(value, context.bindings) !== undefined && first !== undefined && isGroups(first, context);
}

function compileSite(object: ObjectLiteralExpression, context: SiteContext, finder: ModelFinder): Site | undefined {
  const property = propertyNamed(object, 'optimizer');
  const properties = object.getProperties();
  let spreadIndex = -1;
  properties.forEach((candidate, position) => { if (Node.isSpreadAssignment(candidate)) spreadIndex = position; });
  const unconverted = (node: Node, reason: string): UnconvertedSite => ({ kind: 'compile', node, converted: false, reason });
  if (!property) {
    return spreadIndex >= 0 ? unconverted(properties[spreadIndex]!, `the optimizer may come from spread options ('${properties[spreadIndex]!.getText()}')`) : undefined;
  }
  if (spreadIndex > properties.indexOf(property)) {
    return unconverted(properties[spreadIndex]!, `spread options after 'optimizer' may replace it ('${properties[spreadIndex]!.getText()}')`);
  }
  const shorthand = Node.isShorthandPropertyAssignment(property);
  const written = shorthand ? property.getNameNode() : unwrap(property.getInitializerOrThrow());
  const value = followConstant(written, context);
  if (isBuiltByFactory(value, context)) return undefined; // factory sites of their own, or done
  if (!(Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value))) {
    return unconverted(written, opaqueOptimizerReason(written, value, context));
  }
  const name = value.getLiteralText();
  const optimizer = compileStringOptimizer(name);
  if (!optimizer) return { kind: 'compile-string', node: written, converted: false, reason: `'${name}' is not an optimizer name tfjs-layers accepts` };
  const stringSite = (reason: string): UnconvertedSite => ({ kind: 'compile-string', node: written, converted: false, reason });
  const resolution = finder.compiledModel(object, written);
  if ('reason' in resolution) return stringSite(resolution.reason);
  return {
    kind: 'compile-string', node: written, converted: true, value: shorthand ? property : property.getInitializerOrThrow(), shorthand,
    rule: optimizer.rule, learningRate: optimizer.learningRate, groupsSource: resolution.source.text,
  };
}

/** A tf.train call or a converted one, or a choice between such (`adam ? tf.train.adam() : tf.train.sgd(0.1)`). */
function isBuiltByFactory(value: Node, context: SiteContext): boolean {
  if (Node.isConditionalExpression(value)) {
    return [value.getWhenTrue(), value.getWhenFalse()].every((branch) => isBuiltByFactory(unwrap(branch), context));
  }
  return Node.isCallExpression(value) && (factoryRule(value, context.bindings) !== undefined || isConverted(value, context));
}

/**
 * What a name given as the optimizer holds: the string of `const OPTIMIZER = 'adam'`, or the call
 * that builds it (`const opt = ...` or `opt = ...`, the factory site of its own).
 */
function followConstant(node: Node, context: SiteContext): Node {
  if (!Node.isIdentifier(node)) return node;
  const declaration = context.index.declarationOf(node);
  if (!Node.isVariableDeclaration(declaration)) return node;
  const initializer = declaration.getInitializer();
  const assigned = context.index.assignedValues(node).map(unwrap);
  const values = [...(initializer ? [unwrap(initializer)] : []), ...assigned];
  const built = values.find((value) => isBuiltByFactory(value, context));
  if (built) return built;
  const isConst = declaration.getVariableStatement()?.getDeclarationKind() === 'const';
  const [value] = values;
  if (isConst && value && (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) || Node.isCallExpression(value))) return value;
  return node;
}

function opaqueOptimizerReason(written: Node, value: Node, context: SiteContext): string {
  const shown = written.getText().length > 60 ? `${written.getText().slice(0, 57)}...` : written.getText();
  if (Node.isCallExpression(value)) return `the optimizer comes from '${value.getExpression().getText()}(...)', a function this codemod does not follow`;
  if (Node.isNewExpression(value)) return `the optimizer is built with 'new ${value.getExpression().getText()}'; use tf.train.<rule>(...)`;
  if (Node.isPropertyAccessExpression(written) || Node.isElementAccessExpression(written)) {
    return `the optimizer is read from '${shown}'; only local variables are followed`;
  }
  if (Node.isIdentifier(written)) {
    const declaration = context.index.declarationOf(written as Identifier);
    if (Node.isParameterDeclaration(declaration)) return `the optimizer is the parameter '${shown}'; convert it where it is built`;
    if (!declaration) return `the optimizer '${shown}' is defined in another file`;
    if (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration) || Node.isNamespaceImport(declaration)) {
      return `the optimizer '${shown}' is imported; convert it where it is built`;
    }
    return `the optimizer '${shown}' is not a tf.train call or an optimizer name this codemod can see`;
  }
  return `the optimizer is computed at run time ('${shown}')`;
}

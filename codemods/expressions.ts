// Small questions about expressions that several parts of the analysis ask: what a value is once
// parentheses and casts are stripped, the outermost node holding the same value, whether an
// expression can be evaluated twice, an object literal's property by name, and how a node is shown
// in a reason.
import { Node, SyntaxKind } from './ts-morph.cjs';
import type { ObjectLiteralExpression, PropertyAssignment, ShorthandPropertyAssignment } from 'ts-morph';

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

/** A node's text on one line, cut to 60 characters, for a reason. */
export function shown(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

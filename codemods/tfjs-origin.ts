// Where the `tf` of `tf.train.adam(...)` or `tf.sequential()` comes from, by its binding (not its
// name): an import or require of a tfjs module (the codemod converts), or something it reports
// because install(tf) and the new import cannot be placed safely: a global from a script tag, a
// parameter, a name assigned by require at run time, any other value.
import { Node } from './ts-morph.cjs';
import type { Identifier } from 'ts-morph';
import type { Bindings, Namespace } from './bindings.js';
import type { SymbolIndex } from './references.js';

export type TfjsOrigin = { namespace: Namespace } | { reason: string };

export function tfjsOrigin(identifier: Identifier, bindings: Bindings, index: SymbolIndex): TfjsOrigin {
  const name = identifier.getText();
  const declaration = index.declarationOf(identifier);
  if (!declaration) {
    return { reason: `'${name}' is a global here (tfjs from a script tag?), not an import: the codemod converts modules that import tfjs; add the package the same way and convert this by hand` };
  }
  const namespace = bindings.namespaces.find((candidate) => candidate.declaration === declaration);
  if (namespace) return { namespace };
  if (Node.isParameterDeclaration(declaration)) {
    const owner = functionName(declaration.getParent());
    return { reason: `'${name}' is a parameter${owner ? ` of '${owner}'` : ''}, not the tfjs import: convert where tfjs is imported and passed in` };
  }
  const late = bindings.lateBound.find((bound) => bound.name === name && index.declarationOf(bound.assignment.getFirstChild() as Identifier) === declaration);
  if (late) {
    return { reason: `'${name}' is assigned by require at run time (line ${late.assignment.getStartLineNumber()}); install(${name}) and the groups must come after it: convert this by hand` };
  }
  return { reason: `'${name}' is not bound to an import of tfjs in this file` };
}

/** `function make()`, `make() {}` in a class, or `const make = () => ...`. */
export function functionName(fn: Node | undefined): string | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isMethodDeclaration(fn)) {
    const name = fn.getName();
    if (name) return name;
  }
  const parent = fn?.getParent();
  return Node.isVariableDeclaration(parent) ? parent.getName() : undefined;
}

// The nodes the analysis looks up (calls, variable declarations, identifiers by name, the nodes
// that declare a name, for scopes.ts), found in one walk over the compiler's tree. ts-morph's getDescendantsOfKind builds token lists and a
// wrapper for every node it passes, which made it most of the time spent per file; here only the
// nodes that are asked for get a ts-morph wrapper.
import { ts } from './ts-morph.cjs';
import type { CallExpression, Identifier, Node, SourceFile, VariableDeclaration } from 'ts-morph';

interface Wrapper { _getNodeFromCompilerNode(node: ts.Node): Node }

export class FileNodes {
  private readonly rawCalls: ts.CallExpression[] = [];
  private readonly rawDeclarations: ts.VariableDeclaration[] = [];
  private readonly rawIdentifiers = new Map<string, ts.Identifier[]>();
  /** Every node that declares a name (variables, parameters, functions, classes, imports). */
  readonly declaring: ts.Node[] = [];

  constructor(readonly sourceFile: SourceFile) {
    const K = ts.SyntaxKind;
    const visit = (node: ts.Node): void => {
      switch (node.kind) {
        case K.Identifier: {
          const identifier = node as ts.Identifier;
          const list = this.rawIdentifiers.get(identifier.text);
          if (list) list.push(identifier);
          else this.rawIdentifiers.set(identifier.text, [identifier]);
          return; // an identifier has no children worth a visit
        }
        case K.CallExpression:
          this.rawCalls.push(node as ts.CallExpression);
          break;
        case K.VariableDeclaration:
          this.rawDeclarations.push(node as ts.VariableDeclaration);
          this.declaring.push(node);
          break;
        case K.Parameter: case K.FunctionDeclaration: case K.ClassDeclaration: case K.EnumDeclaration: case K.FunctionExpression:
        case K.ClassExpression: case K.ImportClause: case K.NamespaceImport: case K.ImportSpecifier: case K.ImportEqualsDeclaration:
          this.declaring.push(node);
          break;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile.compilerNode);
  }

  /** The ts-morph node of a compiler node (the same object every time it is asked for). */
  wrap<T extends Node>(node: ts.Node): T {
    // ts-morph keeps this factory internal; the package pins ts-morph's version.
    return (this.sourceFile as unknown as Wrapper)._getNodeFromCompilerNode(node) as T;
  }

  /** The calls that pass a test on the compiler's node (only they are wrapped). */
  callsWhere(test: (call: ts.CallExpression) => boolean): CallExpression[] {
    return this.rawCalls.filter(test).map((node) => this.wrap<CallExpression>(node));
  }

  /** The calls inside a node (the node itself included). */
  callsWithin(region: Node): CallExpression[] {
    const [start, end] = [region.getPos(), region.getEnd()];
    return this.rawCalls.filter((node) => node.pos >= start && node.end <= end).map((node) => this.wrap<CallExpression>(node));
  }

  /** The variable declarations that pass a test on the compiler's node (only they are wrapped). */
  declarationsWhere(test: (declaration: ts.VariableDeclaration) => boolean): VariableDeclaration[] {
    return this.rawDeclarations.filter(test).map((node) => this.wrap<VariableDeclaration>(node));
  }

  identifiersNamed(name: string): Identifier[] {
    return this.rawIdentifiersNamed(name).map((node) => this.wrap<Identifier>(node));
  }

  /** The compiler's identifiers of a name (wrapping a node wraps all its ancestors: ask for few). */
  rawIdentifiersNamed(name: string): readonly ts.Identifier[] {
    return this.rawIdentifiers.get(name) ?? [];
  }

  /** The identifiers inside a node (the node itself included). */
  identifiersWithin(region: Node): Identifier[] {
    const [start, end] = [region.getPos(), region.getEnd()];
    const found: ts.Identifier[] = [];
    for (const list of this.rawIdentifiers.values()) {
      for (const node of list) if (node.pos >= start && node.end <= end) found.push(node);
    }
    return found.sort((a, b) => a.pos - b.pos).map((node) => this.wrap<Identifier>(node));
  }

  /** The nodes inside a node that pass a test, found by a walk over the compiler's tree (only they are wrapped). */
  findWithin<T extends Node>(region: Node, test: (node: ts.Node) => boolean): T[] {
    const found: T[] = [];
    const visit = (node: ts.Node): void => {
      if (test(node)) found.push(this.wrap<T>(node));
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(region.compilerNode, visit);
    return found;
  }

  /** Whether the file uses the name anywhere (a new import must not collide with it). */
  uses(name: string): boolean {
    return this.rawIdentifiers.has(name);
  }
}

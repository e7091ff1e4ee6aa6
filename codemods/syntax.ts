// Which dialect a file is parsed as, and whether a text parses. Used on every input (a file that
// does not parse is reported and left alone) and on every output before it is written.
import { ts } from './ts-morph.cjs';
import { extensionOf } from './extensions.js';

export function scriptKindOf(fileName: string): ts.ScriptKind {
  switch (extensionOf(fileName)) {
    case '.ts': case '.mts': case '.cts': return ts.ScriptKind.TS;
    case '.tsx': return ts.ScriptKind.TSX;
    case '.jsx': return ts.ScriptKind.JSX;
    default: return ts.ScriptKind.JS;
  }
}

/** The parser's own diagnostics: TypeScript keeps them on the source file (not in the public type). */
export function parseErrorsOf(sourceFile: ts.SourceFile): string[] {
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.start === undefined) return message;
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(diagnostic.start);
    return `${line + 1}:${character + 1} ${message}`;
  });
}

export function syntaxErrors(fileName: string, text: string): string[] {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  return parseErrorsOf(sourceFile);
}

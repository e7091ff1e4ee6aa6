// File extensions the codemod reads, and which of them are TypeScript. Kept apart from syntax.ts
// so that finding files does not load the TypeScript compiler.

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'];

export function extensionOf(fileName: string): string {
  const match = /\.[^./\\]+$/.exec(fileName);
  return match ? match[0].toLowerCase() : '';
}

export function isTypeScript(fileName: string): boolean {
  const extension = extensionOf(fileName);
  return extension === '.ts' || extension === '.tsx' || extension === '.mts' || extension === '.cts';
}

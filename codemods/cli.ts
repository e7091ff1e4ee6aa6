export async function main(_argv: string[]): Promise<number> { throw new Error('codemod: not built yet'); }

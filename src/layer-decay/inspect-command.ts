export async function main(_argv: string[]): Promise<number> { throw new Error('inspect: not built yet'); }

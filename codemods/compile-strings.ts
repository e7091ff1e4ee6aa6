// The optimizer names model.compile({optimizer: '...'}) accepts, and what each one builds.
// tfjs-layers (src/optimizers.ts, getOptimizer) maps exactly these spellings, with these learning
// rates; every other argument it passes equals the tf.train default. Any other spelling ('ADAM',
// 'Rmsprop') throws in tfjs, so the codemod leaves it alone rather than guess.
// 'adamw' (any case) is added by this package's install(tf) with Adam's rate.

export interface CompileStringOptimizer {
  rule: string;
  learningRate: number;
}

const TFJS_LAYERS_STRINGS: Record<string, CompileStringOptimizer> = {};
for (const [spellings, rule, learningRate] of [
  [['Adagrad', 'adagrad'], 'adagrad', 0.01],
  [['Adadelta', 'adadelta'], 'adadelta', 1],
  [['Adam', 'adam'], 'adam', 0.001],
  [['Adamax', 'adamax'], 'adamax', 0.002],
  [['RMSProp', 'rmsprop'], 'rmsprop', 0.001],
  [['SGD', 'sgd'], 'sgd', 0.01],
] as const) {
  for (const spelling of spellings) TFJS_LAYERS_STRINGS[spelling] = { rule, learningRate };
}

export function compileStringOptimizer(name: string): CompileStringOptimizer | undefined {
  if (Object.hasOwn(TFJS_LAYERS_STRINGS, name)) return TFJS_LAYERS_STRINGS[name];
  if (name.toLowerCase() === 'adamw') return { rule: 'adamw', learningRate: 0.001 };
  return undefined;
}

// The optimizer names model.compile({optimizer: '...'}) accepts, and what each one builds.
// tfjs-layers (src/optimizers.ts, getOptimizer) maps exactly these spellings; every other argument
// it passes equals the tf.train default. Any other spelling ('ADAM', 'Rmsprop') throws in tfjs, so
// the codemod leaves it alone rather than guess. 'adamw' (any case) is added by this package's
// install(tf). The learning rate of each is the rule's own compileLearningRate (src/rules/).
import { RULES, type RuleName } from '../src/rules/index.js';

export interface CompileStringOptimizer {
  rule: RuleName;
  learningRate: number;
}

/** tfjs-layers' spellings of each rule it maps a string to. */
const TFJS_LAYERS_SPELLINGS: Partial<Record<RuleName, readonly string[]>> = {
  adagrad: ['Adagrad', 'adagrad'],
  adadelta: ['Adadelta', 'adadelta'],
  adam: ['Adam', 'adam'],
  adamax: ['Adamax', 'adamax'],
  rmsprop: ['RMSProp', 'rmsprop'],
  sgd: ['SGD', 'sgd'],
};

export function compileStringOptimizer(name: string): CompileStringOptimizer | undefined {
  const rule = name.toLowerCase() === 'adamw'
    ? 'adamw'
    : (Object.keys(TFJS_LAYERS_SPELLINGS) as RuleName[]).find((candidate) => TFJS_LAYERS_SPELLINGS[candidate]!.includes(name));
  return rule === undefined ? undefined : { rule, learningRate: RULES[rule].compileLearningRate };
}

// The cheap test that keeps most files away from the parser: ts-morph parses a few hundred files a
// second, a substring test millions. A file can hold a site only if it names tfjs (an import or
// require of a tfjs module, or a `tf.` the codemod reports) and, in its code (comments blanked),
// calls model.compile or reaches a tf.train factory (`train.adam`, `train['sgd']`, an alias of
// train and a rule's name).
import { withoutComments } from './code-text.js';

const TFJS = /@tensorflow\/tfjs|\btf\s*\??\./;
const WORDS = /\btrain\b|\bcompile\b/;
const COMPILE_CALL = /\bcompile\s*\(/;
const TRAIN = /\btrain\b/;
const RULE_ACCESS = /\.\s*(?:sgd|momentum|adamw?|rmsprop|adagrad|adadelta|adamax)\b|\btrain\s*\[/;

export function mayHoldSite(text: string): boolean {
  if (!TFJS.test(text) || !WORDS.test(text)) return false;
  const code = withoutComments(text);
  return TFJS.test(code) && (COMPILE_CALL.test(code) || (TRAIN.test(code) && RULE_ACCESS.test(code)));
}

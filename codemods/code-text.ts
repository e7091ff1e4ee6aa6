// The text of a file with its comments blanked out (each comment character becomes a space, line
// breaks stay), so that the pre-filter's patterns see code and string literals only: a comment
// that says "see tf.train.adam" no longer sends a file to the parser. A small lexer, not a parser:
// it knows strings, template literals (with ${} nesting) and regular expression literals, the last
// by the usual rule (a `/` where an operand is expected starts one). A wrong guess there can only
// keep a comment, never blank code out: the parser still decides.

const enum Char {
  Tab = 9, LineFeed = 10, CarriageReturn = 13, Space = 32, Quote = 34, Dollar = 36, Apostrophe = 39, OpenParen = 40, CloseParen = 41,
  Asterisk = 42, Slash = 47, OpenBracket = 91, Backslash = 92, CloseBracket = 93, Backtick = 96, OpenBrace = 123, CloseBrace = 125,
}

const isIdentifierPart = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 || code > 127;

/** Keywords after which a `/` starts a regular expression, not a division. */
const OPERAND_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export function withoutComments(text: string): string {
  let out: string[] | undefined; // built only once a comment is found
  let copiedUpTo = 0;
  const blank = (start: number, end: number) => {
    out ??= [];
    out.push(text.slice(copiedUpTo, start), text.slice(start, end).replace(/[^\r\n]/g, ' '));
    copiedUpTo = end;
  };
  // Brace depth at which each open template literal's `${` was entered.
  const templateDepths: number[] = [];
  let braceDepth = 0;
  /** Whether the last significant token ends an operand (then `/` divides). */
  let afterOperand = false;
  let i = 0;
  const length = text.length;

  const skipString = (quote: number) => {
    for (i++; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code === Char.Backslash) i++;
      else if (code === quote || code === Char.LineFeed) { i++; return; }
    }
  };
  /** From inside a template literal to its end or to a `${` (then i is after it, and true). */
  const skipTemplate = (): boolean => {
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code === Char.Backslash) i++;
      else if (code === Char.Backtick) { i++; return false; }
      else if (code === Char.Dollar && text.charCodeAt(i + 1) === Char.OpenBrace) { i += 2; return true; }
    }
    return false;
  };
  const enterTemplate = () => {
    if (skipTemplate()) templateDepths.push(braceDepth);
    afterOperand = true;
  };

  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === Char.Slash) {
      const next = text.charCodeAt(i + 1);
      if (next === Char.Slash) {
        const end = text.indexOf('\n', i);
        const stop = end < 0 ? length : text.charCodeAt(end - 1) === Char.CarriageReturn ? end - 1 : end;
        blank(i, stop);
        i = stop;
        continue;
      }
      if (next === Char.Asterisk) {
        const end = text.indexOf('*/', i + 2);
        const stop = end < 0 ? length : end + 2;
        blank(i, stop);
        i = stop;
        continue;
      }
      if (!afterOperand) { // a regular expression literal
        let inClass = false;
        for (i++; i < length; i++) {
          const c = text.charCodeAt(i);
          if (c === Char.Backslash) i++;
          else if (c === Char.OpenBracket) inClass = true;
          else if (c === Char.CloseBracket) inClass = false;
          else if ((c === Char.Slash && !inClass) || c === Char.LineFeed) break;
        }
        i++;
        while (i < length && isIdentifierPart(text.charCodeAt(i))) i++; // flags
        afterOperand = true;
        continue;
      }
      i++;
      afterOperand = false;
      continue;
    }
    if (code === Char.Quote || code === Char.Apostrophe) { skipString(code); afterOperand = true; continue; }
    if (code === Char.Backtick) { i++; enterTemplate(); continue; }
    if (code === Char.OpenBrace) { braceDepth++; i++; afterOperand = false; continue; }
    if (code === Char.CloseBrace) {
      i++;
      if (templateDepths.length && templateDepths[templateDepths.length - 1] === braceDepth) {
        templateDepths.pop();
        enterTemplate();
      } else {
        braceDepth--;
        afterOperand = false; // a block's end; an object literal's end before `/` is rare
      }
      continue;
    }
    if (code === Char.Space || code === Char.Tab || code === Char.LineFeed || code === Char.CarriageReturn) { i++; continue; }
    if (isIdentifierPart(code)) {
      const start = i;
      while (i < length && isIdentifierPart(text.charCodeAt(i))) i++;
      afterOperand = !OPERAND_KEYWORDS.has(text.slice(start, i));
      continue;
    }
    afterOperand = code === Char.CloseParen || code === Char.CloseBracket;
    i++;
  }
  if (out === undefined) return text;
  out.push(text.slice(copiedUpTo));
  return out.join('');
}

// The per-element math of every update rule is written once, as short statements such as
//   m = beta1 * m + (1 - beta1) * g
// in a tiny arithmetic language (+ - * /, unary minus, sqrt, abs, max, min). This file parses it into a
// tree and evaluates a tree over any arithmetic (tfjs ops, float64 numbers). Each engine derives its
// own code from the same tree (src/engines: the float32 JS loop, the WebAssembly SIMD function, the
// WGSL kernel), which is what keeps the paths from drifting apart.

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'ref'; name: string }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'call'; fn: MathFunction; args: Expr[] };

export type MathFunction = 'sqrt' | 'abs' | 'max' | 'min';
const FUNCTION_ARITY: Record<MathFunction, number> = { sqrt: 1, abs: 1, max: 2, min: 2 };

export interface Statement {
  target: string;
  value: Expr;
  source: string;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:e[-+]?\d+)?)|([A-Za-z_]\w*)|(.))/gy;

/** Parses `target = expression`. Throws with the statement's text on a syntax error. */
export function parseStatement(source: string): Statement {
  const eq = source.indexOf('=');
  if (eq < 0) throw new Error(`update rule statement has no '=': ${source}`);
  const target = source.slice(0, eq).trim();
  if (!/^[A-Za-z_]\w*$/.test(target)) throw new Error(`bad assignment target in: ${source}`);
  return { target, value: parseExpression(source.slice(eq + 1)), source };
}

export function parseExpression(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text)) !== null) {
    const token = match[1] ?? match[2] ?? match[3];
    if (token !== undefined) tokens.push(token);
  }
  let at = 0;
  const peek = () => tokens[at];
  const expect = (t: string) => {
    if (tokens[at] !== t) throw new Error(`expected '${t}' at token ${at} of: ${text}`);
    at++;
  };
  // Precedence climbing: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*
  const sum = (): Expr => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[at++] as '+' | '-';
      left = { kind: 'bin', op, left, right: product() };
    }
    return left;
  };
  const product = (): Expr => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[at++] as '*' | '/';
      left = { kind: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek() === '-') {
      at++;
      return { kind: 'neg', arg: unary() };
    }
    return atom();
  };
  const atom = (): Expr => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`unexpected end of: ${text}`);
    if (token === '(') {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (/^\d/.test(token)) return { kind: 'num', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') return { kind: 'ref', name: token };
      if (!(token in FUNCTION_ARITY)) throw new Error(`unknown function '${token}' in: ${text}`);
      const fn = token as MathFunction;
      at++;
      const args = [sum()];
      while (peek() === ',') {
        at++;
        args.push(sum());
      }
      expect(')');
      if (args.length !== FUNCTION_ARITY[fn]) throw new Error(`${fn} takes ${FUNCTION_ARITY[fn]} argument(s) in: ${text}`);
      return { kind: 'call', fn, args };
    }
    throw new Error(`unexpected '${token}' in: ${text}`);
  };
  const tree = sum();
  if (at !== tokens.length) throw new Error(`unexpected '${tokens[at]}' in: ${text}`);
  return tree;
}

/** Every name an expression reads. */
export function referencedNames(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'ref': into.add(e.name); break;
    case 'neg': referencedNames(e.arg, into); break;
    case 'bin': referencedNames(e.left, into); referencedNames(e.right, into); break;
    case 'call': e.args.forEach((a) => referencedNames(a, into)); break;
  }
  return into;
}

/** Arithmetic over any value type (numbers, tfjs tensors): the caller supplies the operations. */
export interface Arithmetic<T> {
  constant(value: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  sqrt(a: T): T;
  abs(a: T): T;
  max(a: T, b: T): T;
  min(a: T, b: T): T;
}

export function evaluate<T>(e: Expr, lookup: (id: string) => T, ops: Arithmetic<T>): T {
  switch (e.kind) {
    case 'num': return ops.constant(e.value);
    case 'ref': return lookup(e.name);
    case 'neg': return ops.neg(evaluate(e.arg, lookup, ops));
    case 'bin': {
      const l = evaluate(e.left, lookup, ops);
      const r = evaluate(e.right, lookup, ops);
      return e.op === '+' ? ops.add(l, r) : e.op === '-' ? ops.sub(l, r) : e.op === '*' ? ops.mul(l, r) : ops.div(l, r);
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, lookup, ops));
      return e.fn === 'max' || e.fn === 'min' ? ops[e.fn](args[0]!, args[1]!) : ops[e.fn](args[0]!);
    }
  }
}

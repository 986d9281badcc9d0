/**
 * The subset of CEL that Inngest expressions use in triggers (`if`), waitForEvent/cancelOn `if`
 * and concurrency/throttle keys: literals, field access (`event.data.x`, `async.data["k"]`),
 * `! - + == != < <= > >= && ||` and parentheses. Anything else is rejected with a clear error
 * at parse time, so an unsupported expression fails loudly instead of silently never matching.
 */
type Node =
  | { t: "lit"; v: unknown }
  | { t: "id"; name: string }
  | { t: "get"; obj: Node; key: Node }
  | { t: "un"; op: string; a: Node }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "list"; items: Node[] };

type Token = { k: "num" | "str" | "id" | "op"; v: string };

const OPS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "(", ")", "[", "]", ".", ","];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ k: "num", v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\") {
          j++;
          s += ({ n: "\n", t: "\t" } as Record<string, string>)[src[j] as string] ?? src[j];
        } else s += src[j];
        j++;
      }
      if (j >= src.length) throw new Error(`unterminated string in expression: ${src}`);
      out.push({ k: "str", v: s });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ k: "id", v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Error(`unsupported character "${c}" in expression: ${src}`);
    out.push({ k: "op", v: op });
    i += op.length;
  }
  return out;
}

function parse(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = (v?: string) =>
    toks[p] && (v === undefined || (toks[p]!.k === "op" && toks[p]!.v === v)) ? toks[p] : undefined;
  const eat = (v: string) => {
    if (!peek(v)) throw new Error(`expected "${v}" in expression: ${src}`);
    p++;
  };
  const binary = (next: () => Node, ops: string[]) => (): Node => {
    let a = next();
    for (let t = peek(); t && t.k === "op" && ops.includes(t.v); t = peek()) {
      p++;
      a = { t: "bin", op: t.v, a, b: next() };
    }
    return a;
  };
  const primary = (): Node => {
    const t = toks[p++];
    if (!t) throw new Error(`unexpected end of expression: ${src}`);
    if (t.k === "num") return { t: "lit", v: Number(t.v) };
    if (t.k === "str") return { t: "lit", v: t.v };
    if (t.k === "id") {
      if (t.v === "true" || t.v === "false") return { t: "lit", v: t.v === "true" };
      if (t.v === "null") return { t: "lit", v: null };
      if (peek("(")) throw new Error(`function calls ("${t.v}(…)") are not supported by the embedded runner: ${src}`);
      return { t: "id", name: t.v };
    }
    if (t.v === "(") {
      const e = or();
      eat(")");
      return e;
    }
    if (t.v === "[") {
      const items: Node[] = [];
      while (!peek("]")) {
        items.push(or());
        if (!peek("]")) eat(",");
      }
      eat("]");
      return { t: "list", items };
    }
    throw new Error(`unexpected "${t.v}" in expression: ${src}`);
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (peek(".")) {
        p++;
        const id = toks[p++];
        if (!id || id.k !== "id") throw new Error(`expected a field name after "." in expression: ${src}`);
        if (peek("(")) throw new Error(`method calls (".${id.v}(…)") are not supported by the embedded runner: ${src}`);
        n = { t: "get", obj: n, key: { t: "lit", v: id.v } };
      } else if (peek("[")) {
        p++;
        const key = or();
        eat("]");
        n = { t: "get", obj: n, key };
      } else return n;
    }
  };
  const unary = (): Node => {
    const t = peek();
    if (t && t.k === "op" && (t.v === "!" || t.v === "-")) {
      p++;
      return { t: "un", op: t.v, a: unary() };
    }
    return postfix();
  };
  const add = binary(unary, ["+", "-"]);
  const rel = binary(add, ["<", "<=", ">", ">="]);
  const eq = binary(rel, ["==", "!="]);
  const and = binary(eq, ["&&"]);
  const or: () => Node = binary(and, ["||"]);
  const node = or();
  if (p < toks.length) throw new Error(`unexpected "${toks[p]!.v}" in expression: ${src}`);
  return node;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function evaluate(n: Node, vars: Record<string, unknown>): unknown {
  switch (n.t) {
    case "lit":
      return n.v;
    case "id":
      return vars[n.name];
    case "list":
      return n.items.map((i) => evaluate(i, vars));
    case "get": {
      const obj = evaluate(n.obj, vars);
      const key = evaluate(n.key, vars);
      if (obj === null || typeof obj !== "object") return undefined;
      return (obj as Record<string, unknown>)[String(key)];
    }
    case "un": {
      const a = evaluate(n.a, vars);
      return n.op === "!" ? !a : -(a as number);
    }
    case "bin": {
      if (n.op === "&&") return Boolean(evaluate(n.a, vars)) && Boolean(evaluate(n.b, vars));
      if (n.op === "||") return Boolean(evaluate(n.a, vars)) || Boolean(evaluate(n.b, vars));
      const a = evaluate(n.a, vars) as never;
      const b = evaluate(n.b, vars) as never;
      switch (n.op) {
        case "==":
          return equal(a, b);
        case "!=":
          return !equal(a, b);
        case "<":
          return a < b;
        case "<=":
          return a <= b;
        case ">":
          return a > b;
        case ">=":
          return a >= b;
        case "+":
          return (a as number) + (b as number);
        case "-":
          return (a as number) - (b as number);
      }
    }
  }
  throw new Error("unreachable expression node");
}

const cache = new Map<string, Node>();

/** Compiles (and caches) an expression; throws a clear error for unsupported syntax. */
export function compile(src: string): Node {
  let node = cache.get(src);
  if (!node) {
    node = parse(src);
    if (cache.size > 1000) cache.clear();
    cache.set(src, node);
  }
  return node;
}

export function evaluateExpression(src: string, vars: Record<string, unknown>): unknown {
  return evaluate(compile(src), vars);
}

/** True when the expression holds; a missing field simply does not match. */
export function matches(src: string, vars: Record<string, unknown>): boolean {
  return evaluateExpression(src, vars) === true;
}

/** Evaluates a concurrency/throttle key to a string (JSON for non-strings). */
export function evaluateKey(src: string, vars: Record<string, unknown>): string {
  const v = evaluateExpression(src, vars);
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}

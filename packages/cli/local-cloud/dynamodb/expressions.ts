/**
 * DynamoDB expression subset the import queue uses (and what a plain client commonly sends):
 * condition/filter/key-condition expressions (comparisons, BETWEEN, IN, AND/OR/NOT, parentheses,
 * attribute_exists, attribute_not_exists, begins_with, size) and update expressions (SET with
 * `+`/`-` and if_not_exists, REMOVE, ADD, DELETE). Attribute names may be `#placeholders` and simple
 * top-level names; nested paths (`a.b`, `a[0]`) are not supported and answer a ValidationException,
 * so a client never silently gets a different result than DynamoDB would give.
 */
import { AwsError } from '../util';

/** An AttributeValue in DynamoDB's JSON shape: `{ S: 'x' }`, `{ N: '1' }`, `{ BOOL: true }`... */
export type AttributeValue = Record<string, any>;
export type Item = Record<string, AttributeValue>;

export interface ExpressionContext {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

const invalid = (message: string) => new AwsError('ValidationException', message);

type Token = { kind: 'name' | 'value' | 'word' | 'op' | 'num'; text: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|(<>|<=|>=|=|<|>|\(|\)|,|\+|-)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < expr.length && (m = re.exec(expr))) {
    if (m[1]) out.push({ kind: 'name', text: m[1] });
    else if (m[2]) out.push({ kind: 'value', text: m[2] });
    else if (m[3]) out.push({ kind: 'op', text: m[3] });
    else if (m[4]) out.push({ kind: 'word', text: m[4] });
    else if (m[5]) throw invalid(`Invalid expression: unexpected token '${m[5]}' (the local cloud supports top-level attribute names only)`);
    else break;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly ctx: ExpressionContext) {}
  peek(): Token | undefined { return this.tokens[this.i]; }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw invalid('Invalid expression: unexpected end of expression');
    return t;
  }
  done(): boolean { return this.i >= this.tokens.length; }
  isWord(w: string): boolean { const t = this.peek(); return !!t && t.kind === 'word' && t.text.toUpperCase() === w; }
  isOp(o: string): boolean { const t = this.peek(); return !!t && t.kind === 'op' && t.text === o; }
  expectOp(o: string): void { const t = this.next(); if (t.kind !== 'op' || t.text !== o) throw invalid(`Invalid expression: expected '${o}'`); }

  attributeName(t: Token): string {
    if (t.kind === 'name') {
      const n = this.ctx.names?.[t.text];
      if (n === undefined) throw invalid(`Value provided in ExpressionAttributeNames unused in expressions or undefined: ${t.text}`);
      return n;
    }
    if (t.kind === 'word') return t.text;
    throw invalid('Invalid expression: expected an attribute name');
  }
  value(t: Token): AttributeValue {
    const v = this.ctx.values?.[t.text];
    if (v === undefined) throw invalid(`An expression attribute value used in expression is not defined; attribute value: ${t.text}`);
    return v;
  }
}

/** An operand: evaluates to an attribute value (or undefined when the attribute is missing). */
type Operand = (item: Item) => AttributeValue | undefined;

function operand(p: Parser): Operand {
  const t = p.next();
  if (t.kind === 'value') { const v = p.value(t); return () => v; }
  if (t.kind === 'word' && t.text === 'size' && p.isOp('(')) {
    p.expectOp('(');
    const inner = operand(p);
    p.expectOp(')');
    return (item) => {
      const v = inner(item);
      if (!v) return undefined;
      if (v.S !== undefined) return { N: String([...v.S].length) };
      if (v.B !== undefined) return { N: String(Buffer.from(v.B, 'base64').length) };
      const list = v.L ?? v.SS ?? v.NS ?? v.BS ?? (v.M ? Object.keys(v.M) : undefined);
      return list ? { N: String(list.length) } : undefined;
    };
  }
  const name = p.attributeName(t);
  return (item) => item[name];
}

/** Orders two scalar values of the same type; undefined when they are not comparable. */
export function compareValues(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (!a || !b) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (a.S !== undefined && b.S !== undefined) return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  return undefined;
}

export function equalValues(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  const c = compareValues(a, b);
  if (c !== undefined) return c === 0;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: any): any {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

type Predicate = (item: Item) => boolean;

function orExpr(p: Parser): Predicate {
  let left = andExpr(p);
  while (p.isWord('OR')) { p.next(); const l = left, r = andExpr(p); left = (i) => l(i) || r(i); }
  return left;
}
function andExpr(p: Parser): Predicate {
  let left = notExpr(p);
  while (p.isWord('AND')) { p.next(); const l = left, r = notExpr(p); left = (i) => l(i) && r(i); }
  return left;
}
function notExpr(p: Parser): Predicate {
  if (p.isWord('NOT')) { p.next(); const inner = notExpr(p); return (i) => !inner(i); }
  return primary(p);
}
function primary(p: Parser): Predicate {
  if (p.isOp('(')) {
    p.next();
    const inner = orExpr(p);
    p.expectOp(')');
    return inner;
  }
  const t = p.peek();
  if (t?.kind === 'word' && ['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains', 'attribute_type'].includes(t.text)) {
    p.next();
    p.expectOp('(');
    const name = p.attributeName(p.next());
    let arg: Operand | undefined;
    if (p.isOp(',')) { p.next(); arg = operand(p); }
    p.expectOp(')');
    switch (t.text) {
      case 'attribute_exists': return (i) => i[name] !== undefined;
      case 'attribute_not_exists': return (i) => i[name] === undefined;
      case 'begins_with': return (i) => {
        const v = i[name], prefix = arg!(i);
        return v?.S !== undefined && prefix?.S !== undefined && v.S.startsWith(prefix.S);
      };
      case 'attribute_type': return (i) => { const v = i[name], type = arg!(i)?.S; return !!v && !!type && v[type] !== undefined; };
      default: return (i) => {
        const v = i[name], x = arg!(i);
        if (!v || !x) return false;
        if (v.S !== undefined && x.S !== undefined) return v.S.includes(x.S);
        const list: any[] = v.SS ?? v.NS ?? v.L ?? [];
        return list.some((e) => (typeof e === 'string' ? e === (x.S ?? x.N) : equalValues(e, x)));
      };
    }
  }
  const left = operand(p);
  if (p.isWord('BETWEEN')) {
    p.next();
    const lo = operand(p);
    if (!p.isWord('AND')) throw invalid('Invalid expression: BETWEEN needs AND');
    p.next();
    const hi = operand(p);
    return (i) => { const v = left(i); const a = compareValues(v, lo(i)), b = compareValues(v, hi(i)); return a !== undefined && b !== undefined && a >= 0 && b <= 0; };
  }
  if (p.isWord('IN')) {
    p.next();
    p.expectOp('(');
    const options: Operand[] = [operand(p)];
    while (p.isOp(',')) { p.next(); options.push(operand(p)); }
    p.expectOp(')');
    return (i) => options.some((o) => equalValues(left(i), o(i)));
  }
  const op = p.next();
  if (op.kind !== 'op') throw invalid('Invalid expression: expected a comparison');
  const right = operand(p);
  switch (op.text) {
    case '=': return (i) => equalValues(left(i), right(i));
    case '<>': return (i) => { const a = left(i), b = right(i); return !!a && !!b && !equalValues(a, b); };
    case '<': return (i) => { const c = compareValues(left(i), right(i)); return c !== undefined && c < 0; };
    case '<=': return (i) => { const c = compareValues(left(i), right(i)); return c !== undefined && c <= 0; };
    case '>': return (i) => { const c = compareValues(left(i), right(i)); return c !== undefined && c > 0; };
    case '>=': return (i) => { const c = compareValues(left(i), right(i)); return c !== undefined && c >= 0; };
  }
  throw invalid(`Invalid expression: unsupported operator ${op.text}`);
}

/** Compiles a condition, filter or key-condition expression into a predicate. */
export function compileCondition(expr: string, ctx: ExpressionContext): Predicate {
  const p = new Parser(tokenize(expr), ctx);
  const pred = orExpr(p);
  if (!p.done()) throw invalid('Invalid ConditionExpression: unexpected trailing tokens');
  return pred;
}

function addNumbers(a: AttributeValue, b: AttributeValue, sign: 1 | -1): AttributeValue {
  if (a.N === undefined || b.N === undefined) throw invalid('An operand in the update expression has an incorrect data type');
  return { N: String(Number(a.N) + sign * Number(b.N)) };
}

/** Applies an update expression to a copy of `item`; returns the new item and the names it changed. */
export function applyUpdate(expr: string, ctx: ExpressionContext, item: Item): { item: Item; changed: string[] } {
  const p = new Parser(tokenize(expr), ctx);
  const out: Item = { ...item };
  const changed: string[] = [];
  const valueExpr = (): Operand => {
    const single = (): Operand => {
      if (p.isWord('if_not_exists')) {
        p.next(); p.expectOp('(');
        const name = p.attributeName(p.next());
        p.expectOp(',');
        const fallback = operand(p);
        p.expectOp(')');
        return (i) => i[name] ?? fallback(i);
      }
      return operand(p);
    };
    let left = single();
    while (p.isOp('+') || p.isOp('-')) {
      const sign = p.next().text === '+' ? 1 : -1;
      const l = left, r = single();
      left = (i) => {
        const a = l(i), b = r(i);
        if (!a || !b) throw invalid('The provided expression refers to an attribute that does not exist in the item');
        return addNumbers(a, b, sign);
      };
    }
    return left;
  };
  while (!p.done()) {
    const clause = p.next();
    if (clause.kind !== 'word') throw invalid('Invalid UpdateExpression: expected SET, REMOVE, ADD or DELETE');
    const kind = clause.text.toUpperCase();
    do {
      if (p.isOp(',')) p.next();
      const name = p.attributeName(p.next());
      changed.push(name);
      if (kind === 'SET') {
        p.expectOp('=');
        const v = valueExpr()(item);
        if (v === undefined) throw invalid('The provided expression refers to an attribute that does not exist in the item');
        out[name] = v;
      } else if (kind === 'REMOVE') {
        delete out[name];
      } else if (kind === 'ADD') {
        const v = operand(p)(item)!;
        const cur = out[name];
        if (v.N !== undefined) out[name] = cur ? addNumbers(cur, v, 1) : v;
        else if (v.SS) out[name] = { SS: [...new Set([...(cur?.SS ?? []), ...v.SS])] };
        else if (v.NS) out[name] = { NS: [...new Set([...(cur?.NS ?? []), ...v.NS])] };
        else throw invalid('Invalid UpdateExpression: ADD works on numbers and sets only');
      } else if (kind === 'DELETE') {
        const v = operand(p)(item)!;
        const cur = out[name];
        if (cur?.SS && v.SS) { const rest = cur.SS.filter((s: string) => !v.SS.includes(s)); if (rest.length) out[name] = { SS: rest }; else delete out[name]; }
      } else {
        throw invalid(`Invalid UpdateExpression: unknown clause ${clause.text}`);
      }
    } while (p.isOp(','));
  }
  return { item: out, changed };
}

/** `a, #b, c` → attribute names. */
export function projectionNames(expr: string, ctx: ExpressionContext): string[] {
  const p = new Parser(tokenize(expr), ctx);
  const names: string[] = [];
  while (!p.done()) {
    names.push(p.attributeName(p.next()));
    if (p.isOp(',')) p.next();
  }
  return names;
}

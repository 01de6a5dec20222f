/**
 * EventBridge event patterns, the subset rules of an app use: exact values, `prefix`, `suffix`,
 * `wildcard`, `exists`, `anything-but` (values), nested objects; an array in the event matches when
 * one of its elements does. An operator this file does not know matches nothing, so a rule the
 * local cloud cannot evaluate never fires by mistake.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = isObject(event) ? event[field] : undefined;
    if (Array.isArray(expected)) return expected.some((condition) => matchesCondition(condition, actual));
    if (isObject(expected)) return isObject(actual) && matchesPattern(expected, actual);
    return false;
  });
}

function matchesCondition(condition: unknown, actual: unknown): boolean {
  if (isObject(condition)) {
    if ('exists' in condition) return (actual !== undefined) === condition.exists;
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => matchesOperator(condition, value));
  }
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((value) => value === condition);
}

function matchesOperator(condition: Record<string, unknown>, value: unknown): boolean {
  const [[op, arg]] = Object.entries(condition).length === 1 ? Object.entries(condition) : [['', undefined]];
  if (typeof value !== 'string' && op !== 'anything-but') return false;
  switch (op) {
    case 'prefix': return typeof arg === 'string' && (value as string).startsWith(arg);
    case 'suffix': return typeof arg === 'string' && (value as string).endsWith(arg);
    case 'wildcard': return typeof arg === 'string' && wildcardRegExp(arg).test(value as string);
    case 'anything-but': return !(Array.isArray(arg) ? arg : [arg]).includes(value);
    default: return false;
  }
}

/** `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. */
function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '*') source += '[\\s\\S]*';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

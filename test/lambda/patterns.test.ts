import { isDigits, isE164, isEmail, isPrintableAscii } from '../../lambda/validate/row-validator';

// The hand-written checks must say exactly what the patterns they replace say.
const PATTERNS: Array<[string, (v: string) => boolean, RegExp]> = [
  ['isEmail', isEmail, /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['isE164', isE164, /^\+[1-9][0-9]{1,14}$/],
  ['isDigits', isDigits, /^\d+$/],
  ['isPrintableAscii', isPrintableAscii, /^[\x21-\x7e]+$/],
];

const HAND_PICKED = [
  '', 'a', 'a@b', 'a@b.c', '@b.c', 'a@.c', 'a@b.', 'a@b..', 'a@b.c.', 'a@@b.c', 'a@b@c.d', 'a b@c.d', 'a@b c.d',
  'a\u00a0@b.c', 'a@b.c\u2028', 'ab@c.d\t', '.@a.b', 'a@..', 'a@b.c.d', 'é@ü.de', '+1', '+12', '+15551234567',
  '+0123', '+1234567890123456', '+123456789012345', '15551234567', '+1555 1234', '０１２', '123', '-1', '1.5',
  '~!', ' x', 'x\u007f', 'ab\u0100',
];

/** Deterministic random strings over the characters that matter to these patterns. */
function randomStrings(count: number): string[] {
  const alphabet = ['a', 'Z', '@', '.', '+', '0', '1', '9', ' ', '\t', '\u00a0', '\u3000', 'é', '-', '\u007f', '!'];
  let x = 42;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const len = x % 12;
    let s = '';
    for (let j = 0; j < len; j++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[x % alphabet.length];
    }
    out.push(s);
  }
  return out;
}

test.each(PATTERNS)('%s agrees with its pattern', (_name, check, pattern) => {
  for (const v of [...HAND_PICKED, ...randomStrings(20_000)]) {
    if (check(v) !== pattern.test(v)) throw new Error(`${_name}(${JSON.stringify(v)}) = ${check(v)}, pattern says ${pattern.test(v)}`);
  }
});

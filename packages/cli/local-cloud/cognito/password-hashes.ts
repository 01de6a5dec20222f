/**
 * Cognito's reading of a `password_hash` value, from the developer guide ("Importing users into user pools
 * from a CSV file" → "Importing users with password hashes"): the format and the maximum bounds of each
 * algorithm. A value that breaks them fails that user. Written from the guide on purpose, apart from the
 * engine's own check, so the two are tested against each other rather than agreeing by construction.
 */

/** The guide's per-algorithm formats; each returns a failure message or undefined. */
const CHECKS: Record<string, (value: string) => string | undefined> = {
  // $2<a/b/x/y>$[cost]$[22-character salt][31-character hash], cost at most 12.
  BCRYPT: (v) => {
    const m = /^\$2[abxy]\$(\d\d)\$[./0-9A-Za-z]{22}[./0-9A-Za-z]{31}$/.exec(v);
    if (!m) return 'The password hash is not in the BCRYPT format.';
    return Number(m[1]) > 12 ? 'The BCRYPT cost of the password hash exceeds the maximum of 12.' : undefined;
  },
  // N$r$p$hexSalt$hexHash: N at most 65536, r = 8, p = 1.
  SCRYPT: (v) => {
    const parts = v.split('$');
    if (parts.length !== 5 || !parts.slice(0, 3).every((x) => /^\d+$/.test(x)) || !parts.slice(3).every((x) => /^[0-9a-fA-F]+$/.test(x))) {
      return 'The password hash is not in the SCRYPT format.';
    }
    const [n, r, p] = parts.slice(0, 3).map(Number);
    if (n > 65536) return 'The SCRYPT parameter N of the password hash exceeds the maximum of 65536.';
    if (r !== 8 || p !== 1) return 'The SCRYPT parameters r and p of the password hash must be 8 and 1.';
    return undefined;
  },
  // $argon2id$v=N$m=M,t=T,p=P$salt$hash: m at most 19456, t at most 2, p at most 1.
  ARGON2ID: (v) => {
    const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+$/.exec(v);
    if (!m) return 'The password hash is not in the ARGON2ID format.';
    if (Number(m[1]) > 19456 || Number(m[2]) > 2 || Number(m[3]) > 1) return 'The ARGON2ID parameters of the password hash exceed the maximum (m=19456, t=2, p=1).';
    return undefined;
  },
  // $pbkdf2-sha256$iterations$salt$hash: at most 600,000 iterations.
  PBKDF2_SHA256: (v) => {
    const m = /^\$pbkdf2-sha256\$(\d+)\$[^$]+\$[^$]+$/.exec(v);
    if (!m) return 'The password hash is not in the PBKDF2_SHA256 format.';
    return Number(m[1]) > 600000 ? 'The PBKDF2_SHA256 iterations of the password hash exceed the maximum of 600000.' : undefined;
  },
};

/** Why Cognito fails a user for this hash under `algorithm`, or undefined (an empty value is no password). */
export function passwordHashFailure(algorithm: string, value: string): string | undefined {
  if (value === '') return undefined;
  return CHECKS[algorithm]?.(value) ?? undefined;
}

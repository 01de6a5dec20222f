import type { PasswordHashingAlgorithmValue } from '../shared/env';

/**
 * The `password_hash` column, checked against the job's PasswordHashingAlgorithm and the cost
 * limits Cognito accepts. Returns an error message (never containing the hash) or undefined.
 * An empty hash is valid: that user is imported without a password (RESET_REQUIRED).
 */
export function checkPasswordHash(algorithm: PasswordHashingAlgorithmValue, hash: string): string | undefined {
  if (hash === '') return undefined;
  switch (algorithm) {
    case 'BCRYPT': return checkBcrypt(hash);
    case 'SCRYPT': return checkScrypt(hash);
    case 'ARGON2ID': return checkArgon2id(hash);
    case 'PBKDF2_SHA256': return checkPbkdf2(hash);
    default: return `unsupported password hashing algorithm ${String(algorithm)}`;
  }
}

const B64 = '[A-Za-z0-9+/._=-]+';

// $2b$10$<22 salt chars><31 hash chars>
function checkBcrypt(hash: string): string | undefined {
  const m = /^\$2[abxy]\$(\d{2})\$[./A-Za-z0-9]{53}$/.exec(hash);
  if (!m) return 'password_hash is not a BCRYPT hash ($2a$/$2b$/$2x$/$2y$, cost, 53-character salt+hash)';
  const cost = Number(m[1]);
  if (cost < 4 || cost > 12) return `password_hash BCRYPT cost ${cost} is outside 4..12`;
  return undefined;
}

// PHC: $scrypt$ln=<log2 N>,r=8,p=1$salt$hash   (also N=<N> spelled out)
function checkScrypt(hash: string): string | undefined {
  const m = new RegExp(`^\\$scrypt\\$([^$]+)\\$${B64}\\$${B64}$`).exec(hash);
  if (!m) return 'password_hash is not an SCRYPT hash ($scrypt$ln=..,r=8,p=1$salt$hash)';
  const params = parseParams(m[1]);
  const N = params.ln !== undefined ? 2 ** params.ln : params.n;
  if (N === undefined || params.r === undefined || params.p === undefined) return 'password_hash SCRYPT parameters must give N (or ln), r and p';
  if (N < 2 || N > 65536 || (N & (N - 1)) !== 0) return `password_hash SCRYPT N=${N} must be a power of two ≤ 65536`;
  if (params.r !== 8) return `password_hash SCRYPT r=${params.r} must be 8`;
  if (params.p !== 1) return `password_hash SCRYPT p=${params.p} must be 1`;
  return undefined;
}

// PHC: $argon2id$v=19$m=19456,t=2,p=1$salt$hash
function checkArgon2id(hash: string): string | undefined {
  const m = new RegExp(`^\\$argon2id\\$(?:v=(\\d+)\\$)?([^$]+)\\$${B64}\\$${B64}$`).exec(hash);
  if (!m) return 'password_hash is not an ARGON2ID hash ($argon2id$v=19$m=..,t=..,p=..$salt$hash)';
  const params = parseParams(m[2]);
  if (params.m === undefined || params.t === undefined || params.p === undefined) return 'password_hash ARGON2ID parameters must give m, t and p';
  if (params.m < 1 || params.m > 19456) return `password_hash ARGON2ID m=${params.m} must be ≤ 19456`;
  if (params.t < 1 || params.t > 2) return `password_hash ARGON2ID t=${params.t} must be ≤ 2`;
  if (params.p !== 1) return `password_hash ARGON2ID p=${params.p} must be 1`;
  return undefined;
}

// $pbkdf2-sha256$<iterations>$salt$hash (passlib) or pbkdf2_sha256$<iterations>$salt$hash (Django)
function checkPbkdf2(hash: string): string | undefined {
  const m = new RegExp(`^(?:\\$pbkdf2-sha256|pbkdf2_sha256)\\$(?:i=)?(\\d+)\\$${B64}\\$${B64}$`).exec(hash);
  if (!m) return 'password_hash is not a PBKDF2_SHA256 hash ($pbkdf2-sha256$iterations$salt$hash)';
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > 600000) return `password_hash PBKDF2_SHA256 iterations ${iterations} must be ≤ 600000`;
  return undefined;
}

function parseParams(s: string): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const kv of s.split(',')) {
    const [k, v] = kv.split('=');
    if (k && v !== undefined && /^\d+$/.test(v)) out[k.trim().toLowerCase()] = Number(v);
  }
  return out;
}

import type { PasswordHashingAlgorithmValue } from '../shared/env';

/**
 * The `password_hash` column, checked against the job's PasswordHashingAlgorithm in the formats and
 * within the bounds the Cognito developer guide gives ("Importing users into user pools from a CSV
 * file" → "Importing users with password hashes"; docs/csv-and-report.md#password-hashes). A hash
 * Cognito would refuse fails that one user, so it is reported by line before any job.
 * Returns an error message (naming the format or the bound, never containing the hash) or undefined.
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

/** The guide's upper bounds, by algorithm (each is named in the message of a hash over it). */
export const PASSWORD_HASH_BOUNDS = {
  BCRYPT: { cost: 12 },
  SCRYPT: { N: 65536, r: 8, p: 1 },
  ARGON2ID: { m: 19456, t: 2, p: 1 },
  PBKDF2_SHA256: { iterations: 600000 },
} as const;

// Salts and hashes of the PHC-style formats: base64 (standard or bcrypt/passlib's alphabet), no padding required.
const B64 = '[A-Za-z0-9+/.]+={0,2}';

// $2<a/b/x/y>$[cost]$[22-character salt][31-character hash]
const BCRYPT = /^\$2[abxy]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
// N$r$p$hexSalt$hexHash, e.g. 65536$8$1$<hex>$<hex>
const SCRYPT = /^(\d+)\$(\d+)\$(\d+)\$([0-9a-fA-F]+)\$([0-9a-fA-F]+)$/;
// $argon2id$v=N$m=M,t=T,p=P$salt$hash
const ARGON2ID = new RegExp(`^\\$argon2id\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$${B64}\\$${B64}$`);
// $pbkdf2-sha256$iterations$salt$hash
const PBKDF2 = new RegExp(`^\\$pbkdf2-sha256\\$(\\d+)\\$${B64}\\$${B64}$`);

function checkBcrypt(hash: string): string | undefined {
  const m = BCRYPT.exec(hash);
  if (!m) return 'password_hash is not a BCRYPT hash: $2<a|b|x|y>$<cost>$<22-character salt><31-character hash>';
  const cost = Number(m[1]);
  const max = PASSWORD_HASH_BOUNDS.BCRYPT.cost;
  if (cost > max) return `password_hash BCRYPT cost ${cost} is over Cognito's maximum of ${max}`;
  if (cost < 4) return `password_hash BCRYPT cost ${cost} is below bcrypt's minimum of 4`;
  return undefined;
}

function checkScrypt(hash: string): string | undefined {
  const m = SCRYPT.exec(hash);
  if (!m) return 'password_hash is not an SCRYPT hash: N$r$p$<hex salt>$<hex hash> (e.g. 65536$8$1$…$…)';
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const max = PASSWORD_HASH_BOUNDS.SCRYPT;
  if (N > max.N) return `password_hash SCRYPT N=${N} is over Cognito's maximum of ${max.N}`;
  if (N < 2 || (N & (N - 1)) !== 0) return `password_hash SCRYPT N=${N} must be a power of two`;
  if (r !== max.r) return `password_hash SCRYPT r=${r} must be ${max.r}`;
  if (p !== max.p) return `password_hash SCRYPT p=${p} must be ${max.p}`;
  return undefined;
}

function checkArgon2id(hash: string): string | undefined {
  const m = ARGON2ID.exec(hash);
  if (!m) return 'password_hash is not an ARGON2ID hash: $argon2id$v=<N>$m=<M>,t=<T>,p=<P>$<salt>$<hash>';
  const [mem, t, p] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const max = PASSWORD_HASH_BOUNDS.ARGON2ID;
  if (mem > max.m) return `password_hash ARGON2ID m=${mem} is over Cognito's maximum of ${max.m}`;
  if (t > max.t) return `password_hash ARGON2ID t=${t} is over Cognito's maximum of ${max.t}`;
  if (p > max.p) return `password_hash ARGON2ID p=${p} is over Cognito's maximum of ${max.p}`;
  if (mem < 1 || t < 1 || p < 1) return 'password_hash ARGON2ID m, t and p must each be at least 1';
  return undefined;
}

function checkPbkdf2(hash: string): string | undefined {
  const m = PBKDF2.exec(hash);
  if (!m) return 'password_hash is not a PBKDF2_SHA256 hash: $pbkdf2-sha256$<iterations>$<salt>$<hash>';
  const iterations = Number(m[1]);
  const max = PASSWORD_HASH_BOUNDS.PBKDF2_SHA256.iterations;
  if (iterations > max) return `password_hash PBKDF2_SHA256 iterations ${iterations} are over Cognito's maximum of ${max}`;
  if (iterations < 1) return 'password_hash PBKDF2_SHA256 iterations must be at least 1';
  return undefined;
}

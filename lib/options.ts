/** What happens to rows that break a rule (bad username, no verified contact, bad phone...). */
export enum InvalidRowPolicy {
  /** Leave the bad rows out, report them with their line numbers, and import the rest. */
  SKIP = 'SKIP',
  /** Reject the whole file when any row is bad: nothing is imported, every bad row is reported. */
  REJECT_FILE = 'REJECT_FILE',
}

/**
 * How the `password_hash` column is hashed (one algorithm per import job). Only pools that allow
 * password hash imports accept it; others fail with `OperationNotEnabledException`.
 */
export enum PasswordHashingAlgorithm {
  /** bcrypt hashes (accepted parameters: the README's CSV format section). */
  BCRYPT = 'BCRYPT',
  /** scrypt hashes. */
  SCRYPT = 'SCRYPT',
  /** Argon2id hashes. */
  ARGON2ID = 'ARGON2ID',
  /** PBKDF2 with HMAC-SHA-256 hashes. */
  PBKDF2_SHA256 = 'PBKDF2_SHA256',
}

/** What happens to rows whose user already exists in the pool (found before anything is uploaded). */
export enum ExistingUsersPolicy {
  /** Leave existing users as they are: their rows are reported `SKIPPED` ("already exists") and never uploaded. */
  SKIP = 'SKIP',
  /**
   * Update existing users: each row's non-empty attribute columns are applied with
   * AdminUpdateUserAttributes (never passwords, usernames, `sub`, `cognito:*` columns or immutable
   * attributes). Rows are reported `UPDATED` or `UPDATE_FAILED`.
   */
  UPDATE = 'UPDATE',
}

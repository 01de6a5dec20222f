/**
 * The importer props a preview can set: `--existing-users`, `--groups-column` (ExistingUsersPolicy, groups
 * column) and `--password-hashing-algorithm` (the job's PasswordHashingAlgorithm).
 */
import { constructLibrary } from '../template';
import { OptionSpec, ParsedArgs, UsageError } from './command';

export const EXISTING_USERS_OPTION: OptionSpec = {
  value: 'skip|update',
  description: "rows whose user already exists: 'skip' (reported SKIPPED, the default) or 'update' their attributes",
  parse: (raw, flag) => {
    const v = raw.trim().toLowerCase();
    if (v !== 'skip' && v !== 'update') throw new UsageError(`${flag} must be 'skip' or 'update' (got '${raw}')`);
    return v.toUpperCase();
  },
};

export const GROUPS_COLUMN_OPTION: OptionSpec = {
  value: 'NAME',
  description: "a CSV column of ';'-separated group names: removed before the upload, users added to those groups after it",
  parse: (raw, flag) => {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw new UsageError(`${flag} must be a plain column name such as 'groups' (letters, digits, '_', '.', '-')`);
    return raw;
  },
};

/** The algorithms the construct library's `PasswordHashingAlgorithm` enum names (its one list). */
function algorithms(): string[] {
  return Object.values(constructLibrary().PasswordHashingAlgorithm as Record<string, string>);
}

export const PASSWORD_HASHING_ALGORITHM_OPTION: OptionSpec = {
  value: 'ALG',
  description: "the job's password hashing algorithm (BCRYPT, SCRYPT, ARGON2ID or PBKDF2_SHA256): rows' password_hash values are imported, their users CONFIRMED",
  parse: (raw, flag) => {
    const v = raw.trim().toUpperCase();
    const known = algorithms();
    if (!known.includes(v)) throw new UsageError(`${flag} must be one of ${known.join(', ')} (got '${raw}')`);
    return v;
  },
};

export const USER_SYNC_OPTIONS = {
  '--existing-users': EXISTING_USERS_OPTION,
  '--groups-column': GROUPS_COLUMN_OPTION,
  '--password-hashing-algorithm': PASSWORD_HASHING_ALGORITHM_OPTION,
};

/** The CognitoUserImport props those options set (none when none is given). */
export function userSyncProps(args: ParsedArgs): Record<string, unknown> {
  const existing = args.options['--existing-users'] as string | undefined;
  const groups = args.options['--groups-column'] as string | undefined;
  const algorithm = args.options['--password-hashing-algorithm'] as string | undefined;
  return {
    ...(existing ? { existingUsers: existing } : {}),
    ...(groups ? { groupsColumn: groups } : {}),
    ...(algorithm ? { passwordHashingAlgorithm: algorithm } : {}),
  };
}

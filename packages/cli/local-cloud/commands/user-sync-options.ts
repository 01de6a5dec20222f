/** `--existing-users` and `--groups-column`: the importer's ExistingUsersPolicy and groups column. */
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

export const USER_SYNC_OPTIONS = { '--existing-users': EXISTING_USERS_OPTION, '--groups-column': GROUPS_COLUMN_OPTION };

/** The CognitoUserImport props those options set (none when neither is given). */
export function userSyncProps(args: ParsedArgs): Record<string, unknown> {
  const existing = args.options['--existing-users'] as string | undefined;
  const groups = args.options['--groups-column'] as string | undefined;
  return { ...(existing ? { existingUsers: existing } : {}), ...(groups ? { groupsColumn: groups } : {}) };
}

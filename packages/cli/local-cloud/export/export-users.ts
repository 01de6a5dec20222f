/**
 * A pool's users as a CSV that imports unchanged into a pool with the same schema: the columns of
 * the pool's GetCSVHeader, in its order; values in Cognito's dialect (never quoted, `\,` for a
 * comma); `cognito:mfa_enabled` always filled; verified flags kept. Streams page by page (ListUsers,
 * 60 users a request, paced), so memory does not grow with the pool, except for group memberships
 * (one list of names per member) when a groups column is asked for.
 */
import {
  AdminGetUserCommand, CognitoIdentityProviderClient, DescribeUserPoolCommand, GetCSVHeaderCommand, ListGroupsCommand,
  ListUsersCommand, ListUsersInGroupCommand, UserType,
} from '@aws-sdk/client-cognito-identity-provider';

export interface ExportOptions {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  /** Receives the CSV a chunk at a time; resolves when the chunk may be followed by the next. */
  readonly write: (chunk: string) => Promise<void>;
  /** Adds a column of `;`-separated group names with this header. */
  readonly groupsColumn?: string;
  /** Requests per second to Cognito (ListUsers' quota is 30/s per account by default). @default 5 */
  readonly requestsPerSecond?: number;
  readonly progress?: (p: ExportProgress) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ExportProgress {
  readonly exported: number;
  readonly estimated: number;
  /** Users left out because a value cannot be written in Cognito's CSV (a line break in it). */
  readonly leftOut: number;
  /** Usernames only (never attribute values) of the users left out. */
  readonly leftOutUsernames: readonly string[];
}

const THROTTLED = /TooManyRequests|Throttl/;

export async function exportUsers(o: ExportOptions): Promise<ExportProgress> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = 1000 / (o.requestsPerSecond ?? 5);
  let next = 0;
  // Paced and retried on throttling with backoff; other errors stop the export.
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      next = Math.max(next, Date.now()) + interval;
      try {
        return await fn();
      } catch (err) {
        if (!THROTTLED.test(String((err as Error).name)) || attempt >= 8) throw err;
        await sleep(Math.min(250 * 2 ** attempt, 20_000));
      }
    }
  };
  const { client, userPoolId } = o;
  const header = (await call(() => client.send(new GetCSVHeaderCommand({ UserPoolId: userPoolId })))).CSVHeader ?? [];
  const pool = (await call(() => client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })))).UserPool ?? {};
  const estimated = pool.EstimatedNumberOfUsers ?? 0;
  const usernameAttributes = pool.UsernameAttributes ?? [];
  const groups = o.groupsColumn ? await memberships(client, userPoolId, call) : undefined;

  const columns = o.groupsColumn ? [...header, o.groupsColumn] : header;
  await o.write(columns.join(',') + '\n');
  let exported = 0;
  const leftOutUsernames: string[] = [];
  let token: string | undefined;
  do {
    const page = await call(() => client.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, ...(token ? { PaginationToken: token } : {}) })));
    const lines: string[] = [];
    for (const user of page.Users ?? []) {
      const mfa = await mfaEnabled(pool.MfaConfiguration, user, client, userPoolId, call);
      const values = header.map((column) => valueOf(column, user, usernameAttributes, mfa));
      if (groups) values.push((groups.get(user.Username ?? '') ?? []).join(';'));
      if (values.some((v) => /[\r\n]/.test(v))) { leftOutUsernames.push(user.Username ?? ''); continue; }
      lines.push(values.map((v) => v.replace(/,/g, '\\,')).join(','));
      exported += 1;
    }
    if (lines.length > 0) await o.write(lines.join('\n') + '\n');
    token = page.PaginationToken || undefined;
    o.progress?.({ exported, estimated, leftOut: leftOutUsernames.length, leftOutUsernames });
  } while (token);
  return { exported, estimated, leftOut: leftOutUsernames.length, leftOutUsernames };
}

/**
 * One column's value. `cognito:username` is the user's name; in pools where users sign in with email
 * or phone number Cognito names users by their `sub`, and the import takes the sign-in attribute.
 */
export function valueOf(column: string, user: UserType, usernameAttributes: readonly string[], mfa: boolean): string {
  const attr = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;
  if (column === 'cognito:mfa_enabled') return String(mfa);
  if (column === 'cognito:username') {
    for (const a of usernameAttributes) { const v = attr(a); if (v) return v; }
    return user.Username ?? '';
  }
  return attr(column) ?? '';
}

/** MFA OFF: false; ON: true; OPTIONAL: whether the user set up a factor (AdminGetUser, one request a user). */
async function mfaEnabled(
  config: string | undefined, user: UserType, client: CognitoIdentityProviderClient, userPoolId: string, call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<boolean> {
  if (config === 'ON') return true;
  if (config !== 'OPTIONAL') return false;
  const u = await call(() => client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.Username })));
  return (u.UserMFASettingList ?? []).length > 0;
}

/** Username → its groups, from ListGroups and ListUsersInGroup (far fewer requests than one per user). */
async function memberships(client: CognitoIdentityProviderClient, userPoolId: string, call: <T>(fn: () => Promise<T>) => Promise<T>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let groupToken: string | undefined;
  do {
    const page = await call(() => client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60, ...(groupToken ? { NextToken: groupToken } : {}) })));
    for (const g of page.Groups ?? []) {
      let token: string | undefined;
      do {
        const users = await call(() => client.send(new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: g.GroupName, Limit: 60, ...(token ? { NextToken: token } : {}) })));
        for (const u of users.Users ?? []) {
          const list = out.get(u.Username ?? '') ?? [];
          list.push(g.GroupName!);
          out.set(u.Username ?? '', list);
        }
        token = users.NextToken || undefined;
      } while (token);
    }
    groupToken = page.NextToken || undefined;
  } while (groupToken);
  return out;
}

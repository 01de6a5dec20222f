/** `export`: a pool's users as an import-ready CSV (AWS or the local cloud). */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createWriteStream } from 'fs';
import { exportUsers } from '../export/export-users';
import { Command, ExitCode, UsageError } from './command';
import { err } from './progress';
import { GROUPS_COLUMN_OPTION } from './user-sync-options';

const text = (what: string) => (raw: string, flag: string) => {
  if (!raw.trim()) throw new UsageError(`${flag} needs ${what}`);
  return raw.trim();
};

export const exportCommand: Command = {
  name: 'export',
  contactsAws: true,
  summary: "write a pool's users to a CSV that imports unchanged into a pool with the same schema",
  description: [
    "Reads every user of the pool (ListUsers, 60 a request, paced) and writes them in the pool's GetCSVHeader layout,",
    "in Cognito's CSV dialect, with cognito:mfa_enabled filled and the verified flags kept. Passwords, sub, creation",
    'dates, status and devices cannot move (see the CLI README). Progress goes to stderr. Credentials come from the usual',
    'AWS chain (environment, profile); --endpoint-url points it at the local cloud.',
  ].join('\n'),
  options: {
    '--user-pool-id': { value: 'ID', description: 'the pool to export (required)', parse: text('a user pool id') },
    '--output': { value: 'FILE', description: 'the CSV to write (required)', parse: text('a file name') },
    '--region': { value: 'R', description: 'AWS region (default: from the pool id)', parse: text('a region') },
    '--endpoint-url': { value: 'URL', description: 'another endpoint, e.g. the local cloud', parse: text('a URL') },
    '--groups-column': { ...GROUPS_COLUMN_OPTION, description: "add a column NAME with each user's groups, ';'-separated" },
  },
  examples: [
    { command: 'cognito-user-import export --user-pool-id eu-west-1_AbCdEf123 --output users.csv', comment: 'export a pool' },
    { command: 'cognito-user-import export --user-pool-id ID --output users.csv --groups-column groups', comment: 'with group memberships' },
  ],
  async run(args) {
    const userPoolId = args.options['--user-pool-id'] as string | undefined;
    const output = args.options['--output'] as string | undefined;
    if (!userPoolId) throw new UsageError('--user-pool-id is required');
    if (!output) throw new UsageError('--output is required');
    const region = (args.options['--region'] as string | undefined) ?? userPoolId.split('_')[0];
    const endpoint = args.options['--endpoint-url'] as string | undefined;
    const client = new CognitoIdentityProviderClient({ region, ...(endpoint ? { endpoint } : {}) });
    const out = createWriteStream(output);
    const write = (chunk: string) => new Promise<void>((resolve, reject) => {
      out.write(chunk, (e) => (e ? reject(e) : resolve()));
    });
    const tty = process.stderr.isTTY;
    const result = await exportUsers({
      client, userPoolId, write,
      ...(args.options['--groups-column'] ? { groupsColumn: args.options['--groups-column'] as string } : {}),
      progress: (p) => {
        const line = `exported ${p.exported} of ~${p.estimated} users`;
        if (tty) process.stderr.write(`\r${bar(p.exported, p.estimated)} ${line}`);
        else err(line);
      },
    });
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (tty) process.stderr.write('\n');
    for (const name of result.leftOutUsernames) err(`left out ${name}: a value has a line break, which Cognito's CSV cannot hold`);
    err(`wrote ${result.exported} users to ${output}`);
    return ExitCode.OK;
  },
};

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

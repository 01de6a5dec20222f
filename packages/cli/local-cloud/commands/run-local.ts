/** `run-local`: import CSV files through one local cloud, in order, and summarize the reports. */
import { Command } from './command';
import { BEHAVIOUR_OPTION, cloudOptions, JSON_OPTION, OUT_OPTION, POOL_OPTION, VERBOSE_OPTION } from './common-options';
import { checkCsvFile } from './file-checks';
import { exitCodeFor, reportsHint, runLocal, summarize } from './import-files';
import { USER_SYNC_OPTIONS } from './user-sync-options';

export const runLocalCommand: Command = {
  name: 'run-local',
  summary: 'import CSV files through a throwaway local cloud and print their reports',
  description: [
    'Starts a local cloud on a free loopback port, drops each CSV in turn, waits for its report and prints a summary',
    '(or the reports as JSON). The data is discarded afterwards unless --out DIR keeps the reports and the rows to',
    'fix. Exits 3 when any file ends Rejected or Failed.',
  ].join('\n'),
  positional: { name: 'CSV...', min: 1, check: checkCsvFile },
  options: { '--pool': POOL_OPTION, '--out': OUT_OPTION, '--json': JSON_OPTION, '--behaviour': BEHAVIOUR_OPTION, ...USER_SYNC_OPTIONS, '--concurrent': { description: 'drop all the files at once (their imports queue behind each other)' }, '--verbose': VERBOSE_OPTION },
  examples: [
    { command: 'cognito-user-import run-local users.csv', comment: 'against the default pool' },
    { command: 'cognito-user-import run-local a.csv b.csv --pool pool.json --out reports/', comment: 'your pool; keep reports/a.csv.json, reports/a.csv.failed.csv, ...' },
    { command: 'cognito-user-import run-local users.csv --json > reports.json', comment: 'the reports as JSON (progress stays on stderr)' },
    { command: 'cognito-user-import run-local a.csv b.csv --concurrent --behaviour aws.json', comment: 'both dropped at once, Cognito answering as calibrate measured' },
  ],
  async run(args) {
    const outDir = args.options['--out'] as string | undefined;
    const reports = await runLocal(args.positional, cloudOptions(args, 0), { outDir, concurrent: args.options['--concurrent'] === true });
    if (args.options['--json']) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else process.stdout.write(summarize(args.positional, reports) + reportsHint(outDir));
    return exitCodeFor(args.positional, reports);
  },
};

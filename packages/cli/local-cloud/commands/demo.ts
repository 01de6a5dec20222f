/** `demo`: the three sample CSVs through one local cloud, with a readable summary. */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Command } from './command';
import { BEHAVIOUR_OPTION, cloudOptions, JSON_OPTION, OUT_OPTION, VERBOSE_OPTION } from './common-options';
import { exitCodeFor, reportsHint, runLocal, summarize } from './import-files';

export function sampleFiles(): { pool: string; csvs: string[] } {
  const dir = join(__dirname, '..', '..', 'samples');
  return { pool: join(dir, 'pool.json'), csvs: ['users-clean.csv', 'users-fixable.csv', 'users-with-errors.csv'].map((f) => join(dir, f)) };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the three sample CSVs (clean, fixable, with errors) and print a summary',
  description: [
    'Imports the samples shipped with this package through one local cloud: S3 drop -> trigger -> Step Functions',
    'workflow -> Cognito import jobs -> reports. The reports and the rows to fix are kept in --out DIR (default: a new',
    'temporary directory, printed at the end).',
  ].join('\n'),
  options: { '--out': OUT_OPTION, '--json': JSON_OPTION, '--behaviour': BEHAVIOUR_OPTION, '--verbose': VERBOSE_OPTION },
  examples: [
    { command: 'cognito-user-import demo', comment: 'summary on stdout, progress on stderr' },
    { command: 'cognito-user-import demo --out demo-reports', comment: 'keep the reports in ./demo-reports' },
  ],
  async run(args) {
    const { pool, csvs } = sampleFiles();
    const outDir = (args.options['--out'] as string | undefined) ?? mkdtempSync(join(tmpdir(), 'cognito-user-import-demo-'));
    process.stderr.write('Demo: three sample CSVs through one local cloud (S3 → trigger → Step Functions workflow → Cognito import jobs → reports)\n');
    const reports = await runLocal(csvs, { ...cloudOptions(args, 0), pool }, { outDir });
    if (args.options['--json']) {
      process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    } else {
      process.stdout.write('\n=== Cognito user import: demo summary ===\n');
      process.stdout.write(summarize(csvs, reports));
      process.stdout.write(`\n${reportsHint(outDir)}`);
    }
    return exitCodeFor(csvs, reports);
  },
};

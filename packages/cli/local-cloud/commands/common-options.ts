/** Options several commands share, and the LocalCloudOptions they map to. */
import { loadBehaviourFile } from '../cognito/behaviour';
import type { LocalCloudOptions } from '../index';
import { parsePort } from './args';
import { OptionSpec, ParsedArgs, UsageError } from './command';
import { parseOutDir, parsePoolFile } from './file-checks';
import { userSyncProps } from './user-sync-options';

export const POOL_OPTION: OptionSpec = {
  value: 'FILE',
  description: "the JSON that 'aws cognito-idp describe-user-pool' prints (default: a pool with email auto-verified, MFA off)",
  parse: parsePoolFile,
};
export const PORT_OPTION: OptionSpec = { value: 'N', description: 'loopback port, 0-65535 (0 = any free port)', parse: parsePort };
export const OUT_OPTION: OptionSpec = {
  value: 'DIR',
  description: 'keep each file\'s report (<file>.csv.json) and rows to fix (<file>.csv.failed.csv) in DIR (created when missing)',
  parse: parseOutDir,
};
/** `--behaviour FILE`: read and checked before the command runs; the error names the file. */
export const BEHAVIOUR_OPTION: OptionSpec = {
  value: 'FILE',
  description: 'a JSON object choosing how the local Cognito answers where AWS documents nothing (docs/local-cloud.md: "Behaviour variants"; \'calibrate\' prints one measured on AWS)',
  parse: (raw) => {
    try { return loadBehaviourFile(raw); } catch (e) { throw new UsageError((e as Error).message); }
  },
};
export const JSON_OPTION: OptionSpec = { description: 'print the reports as one JSON array on stdout' };
export const VERBOSE_OPTION: OptionSpec = { description: "show the handlers' own log output on stderr" };

/** The local cloud options for `--pool`, `--behaviour` and `--verbose`. */
export function cloudOptions(args: ParsedArgs, port: number): LocalCloudOptions {
  const pool = args.options['--pool'] as string | undefined;
  return {
    port,
    ...(pool ? { pool } : {}),
    ...(args.options['--behaviour'] ? { behaviour: args.options['--behaviour'] as LocalCloudOptions['behaviour'] } : {}),
    ...(args.options['--verbose'] ? { lambdaOutput: (c: string) => process.stderr.write(c) } : {}),
    constructProps: userSyncProps(args),
  };
}

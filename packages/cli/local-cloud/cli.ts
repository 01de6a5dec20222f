/**
 * `cognito-user-import`: a small dispatcher over the commands registered in `./commands/index.ts`.
 * It parses and checks the arguments against the command's options (files, pool JSON, ports) before the
 * command runs. Progress goes to stderr; stdout carries only results. Never prints user data or
 * pre-signed URLs: job ids, statuses, counts, line numbers and messages only.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCommandArgs, wantsHelp } from './commands/args';
import { ExitCode, UsageError } from './commands/command';
import { commandHelp, globalHelp, usageLine } from './commands/help';
import { COMMANDS } from './commands/index';

export { ExitCode, UsageError } from './commands/command';
export { runLocal, summarize } from './commands/import-files';
export { sampleFiles } from './commands/demo';
export { COMMANDS } from './commands/index';

/** This package's version, from its package.json (one directory above local-cloud/). */
export function version(): string {
  return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
}

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

/** Runs one command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '-v' || name === '--version' || name === 'version') { out(`${version()}\n`); return ExitCode.OK; }
  if (name === '-h' || name === '--help') { out(globalHelp(COMMANDS, version())); return ExitCode.OK; }
  if (name === undefined) { err(globalHelp(COMMANDS, version())); return ExitCode.USAGE; }
  if (name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    if (rest[0] !== undefined && !c) { err(`cognito-user-import: unknown command ${rest[0]}\n\n${globalHelp(COMMANDS, version())}`); return ExitCode.USAGE; }
    out(c ? commandHelp(c) : globalHelp(COMMANDS, version()));
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(`cognito-user-import: unknown command ${name}\n\n${globalHelp(COMMANDS, version())}`);
    return ExitCode.USAGE;
  }
  if (wantsHelp(rest)) { out(commandHelp(command)); return ExitCode.OK; }
  try {
    return await command.run(parseCommandArgs(command, rest));
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cognito-user-import: ${e.message}\n\nUsage: ${usageLine(command)}\nSee 'cognito-user-import ${command.name} --help' for the options and examples.\n`);
      return ExitCode.USAGE;
    }
    err(`cognito-user-import: ${(e as Error).message}\n`);
    return ExitCode.ERROR;
  }
}

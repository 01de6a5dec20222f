/** Parses a command line against a command's options and checks every value before the command runs. */
import { Command, ParsedArgs, UsageError } from './command';

const HELP_FLAGS = new Set(['-h', '--help']);

/** True when the arguments ask for help (checked before anything else, so `--help` never fails). */
export function wantsHelp(argv: string[]): boolean {
  return argv.some((a) => HELP_FLAGS.has(a));
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('-') || arg === '-') { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = command.options[flag];
    if (!spec) throw new UsageError(`${command.name}: unknown option ${flag} (see: cognito-user-import ${command.name} --help)`);
    if (spec.value === undefined) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      options[flag] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq > 0) raw = arg.slice(eq + 1);
    else { raw = argv[++i]; if (raw === undefined) throw new UsageError(`${flag} needs a value (${flag} ${spec.value})`); }
    options[flag] = spec.parse ? spec.parse(raw, flag) : raw;
  }
  const p = command.positional;
  if (!p && positional.length) throw new UsageError(`${command.name} takes no arguments (got ${positional[0]})`);
  if (p) {
    if (positional.length < p.min) throw new UsageError(`${command.name} needs ${p.min === 1 ? 'at least one' : p.min} ${p.name}`);
    if (p.max !== undefined && positional.length > p.max) throw new UsageError(`${command.name} takes at most ${p.max} ${p.name}`);
    if (p.check) for (const v of positional) p.check(v);
  }
  return { positional, options };
}

/** `--port N`: an integer 0-65535 (0 = any free port). */
export function parsePort(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 65535) {
    throw new UsageError(`${flag} must be an integer from 0 to 65535 (0 = any free port), got '${raw}'`);
  }
  return Number(raw);
}

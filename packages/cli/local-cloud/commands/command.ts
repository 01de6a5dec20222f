/**
 * What a `cognito-user-import` command is: its name, help (with examples), options and how it runs.
 * Commands are listed in `./index.ts`; the dispatcher (`../cli.ts`) parses and checks the arguments
 * against the command's options before the command runs, so a command sees only checked values.
 */

/** Exit codes of every command (documented in packages/cli/README.md). */
export enum ExitCode {
  /** Done; every file ended Succeeded or PartiallySucceeded. */
  OK = 0,
  /** An unexpected error (the message says what). */
  ERROR = 1,
  /** The command line was wrong: unknown command or option, a missing or bad file, a bad port. */
  USAGE = 2,
  /** The imports ran, but at least one file ended Rejected or Failed (its report says why). */
  IMPORT_NOT_CLEAN = 3,
}

/** A problem with the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Placeholder of the option's value (`N`, `FILE`); absent for an on/off flag. */
  readonly value?: string;
  readonly description: string;
  /** Checks and converts the raw value; throws UsageError with a message that names the option. */
  readonly parse?: (raw: string, flag: string) => unknown;
}

export interface PositionalSpec {
  /** Placeholder in the usage line (`CSV...`). */
  readonly name: string;
  readonly min: number;
  readonly max?: number;
  /** Checks one value (for example that a file exists and is a CSV); throws UsageError. */
  readonly check?: (raw: string) => void;
}

export interface ParsedArgs {
  readonly positional: string[];
  /** By flag (`--port`): the parsed value, or `true` for a flag given without a value. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraph(s) shown by `<command> --help`. */
  readonly description: string;
  readonly positional?: PositionalSpec;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Full command lines, each with a short comment. */
  readonly examples: ReadonlyArray<{ readonly command: string; readonly comment: string }>;
  /** Set on a command that calls AWS itself (with the caller's credentials); the global help names it. */
  readonly contactsAws?: boolean;
  run(args: ParsedArgs): Promise<number>;
}

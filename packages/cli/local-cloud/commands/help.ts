/** Help texts: the global one (command list) and each command's (usage, options, examples). */
import { Command } from './command';

const GLOBAL_FLAGS: Array<[string, string]> = [['-h, --help', 'show help (also: <command> --help, help <command>)'], ['-v, --version', 'print the version']];

const column = (rows: Array<[string, string]>): string[] => {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
};

export function usageLine(c: Command): string {
  const opts = Object.entries(c.options).map(([flag, o]) => `[${flag}${o.value ? ` ${o.value}` : ''}]`);
  return `cognito-user-import ${c.name}${c.positional ? ` ${c.positional.name}` : ''}${opts.length ? ` ${opts.join(' ')}` : ''}`;
}

/** What the tool does with AWS: nothing, except the commands that say they call it. */
function awsSentence(commands: readonly Command[]): string[] {
  const callers = commands.filter((c) => c.contactsAws).map((c) => c.name);
  const first = callers.length
    ? `No command contacts AWS except ${callers.join(', ')} (${callers.length > 1 ? 'they call' : 'it calls'} AWS with your credentials). The others`
    : 'No command contacts AWS. Commands';
  return [
    first,
    'need no account or credentials: they run against a local cloud on 127.0.0.1 and send nothing off this machine',
    'unless you point a client at an endpoint yourself. Output holds job ids, statuses, counts, line numbers and',
    'messages, never e-mail addresses, phone numbers or attribute values.',
  ];
}

export function globalHelp(commands: readonly Command[], version: string): string {
  return [
    `cognito-user-import ${version}: run Amazon Cognito CSV user imports locally, through cdk-cognito-user-import's`,
    'real Lambda handlers and Step Functions workflow, in a local cloud on 127.0.0.1.',
    '',
    ...awsSentence(commands),
    '',
    'Usage: cognito-user-import <command> [options]',
    '',
    'Commands:',
    ...column(commands.map((c) => [c.name, c.summary])),
    '',
    'Options:',
    ...column(GLOBAL_FLAGS),
    '',
    'Exit codes: 0 done (every file Succeeded or PartiallySucceeded), 1 unexpected error, 2 bad command line,',
    '            3 a file ended Rejected or Failed.',
    '',
    'Examples:',
    '  cognito-user-import demo',
    '  cognito-user-import run-local users.csv --pool pool.json --out reports/',
    '  cognito-user-import run-local --help',
    '',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const options: Array<[string, string]> = [
    ...Object.entries(c.options).map(([flag, o]): [string, string] => [`${flag}${o.value ? ` ${o.value}` : ''}`, o.description]),
    ['-h, --help', 'show this help'],
  ];
  return [
    `Usage: ${usageLine(c)}`,
    '',
    c.description,
    ...(c.contactsAws ? ['', 'This command calls AWS with your credentials (or the service at --endpoint-url).'] : []),
    '',
    'Options:',
    ...column(options),
    '',
    'Examples:',
    ...c.examples.flatMap((e) => [`  ${e.command}`, `      ${e.comment}`]),
    '',
  ].join('\n');
}

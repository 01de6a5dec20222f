/**
 * packages/cli/README.md is the CLI's full reference: every command the CLI registers has a section there,
 * every option it declares a row in that section's table, the commands that call AWS say so, and every exit
 * code is explained. The command list is read from the CLI's own registry, never copied here.
 */
import { COMMANDS, ExitCode } from '../../packages/cli/local-cloud/commands';
import { firstCodeCells, readDoc, section, subheadings } from './markdown';

const README = readDoc('packages/cli/README.md');
const commandsSection = section(README, 'Commands') ?? '';
const heading = (name: string) => `\`${name}\``;

test('the README has a Commands section listing one section per command', () => {
  expect(commandsSection).not.toBe('');
  const documented = subheadings(commandsSection, 3);
  expect(documented.sort()).toEqual(COMMANDS.map((c) => heading(c.name)).sort());
});

describe.each(COMMANDS.map((c) => [c.name, c] as const))('command %s', (name, command) => {
  const body = section(commandsSection, heading(name)) ?? '';

  test('has its own section', () => {
    expect(body).not.toBe('');
  });

  test('documents every option it declares in its options table', () => {
    const rows = firstCodeCells(body).map((cell) => cell.split(/[ =]/)[0]);
    const declared = [...Object.keys(command.options), ...(command.positional ? [command.positional.name] : [])];
    const missing = declared.filter((flag) => !rows.includes(flag));
    expect(missing).toEqual([]);
  });

  test('documents no option it does not declare', () => {
    const declared = new Set([...Object.keys(command.options), ...(command.positional ? [command.positional.name] : [])]);
    const extra = firstCodeCells(body).map((cell) => cell.split(/[ =]/)[0]).filter((flag) => !declared.has(flag));
    expect(extra).toEqual([]);
  });

  test('says whether it calls AWS', () => {
    expect(body.trimStart().startsWith('**Calls AWS.**')).toBe(command.contactsAws === true);
    const table = section(README, 'What contacts AWS') ?? '';
    // The first cell names the commands; the second says what they talk to.
    const awsCommands = table.split('\n').find((l) => l.includes('**AWS**'))?.split('|')[1] ?? '';
    expect(awsCommands.includes(heading(name))).toBe(command.contactsAws === true);
  });
});

test('every exit code is explained', () => {
  const table = section(README, 'Exit codes') ?? '';
  const codes = Object.values(ExitCode).filter((v): v is number => typeof v === 'number');
  expect(codes.length).toBeGreaterThan(0);
  const documented = table.split('\n').map((l) => l.match(/^\|\s*(\d+)\s*\|/)?.[1]).filter(Boolean).map(Number);
  expect(documented.sort()).toEqual(codes.sort());
});

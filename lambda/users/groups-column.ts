import { ListGroupsCommand, ListGroupsCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { parseCsvLine } from '../csv/csv-fields';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { isThrottle, throttled, errorMessage } from '../runtime/errors';
import type { ObjectWriter } from '../runtime/object-store';

/** Group names in the groups column are separated by this. */
export const GROUP_SEPARATOR = ';';

/** One valid row's groups, for the addToGroups step (`groups.jsonl`). */
export interface GroupsEntry {
  line: number;
  username: string;
  groups: string[];
}

/** The fields of a row without the groups column, written back in Cognito's dialect for the normal checks. */

/**
 * Where field `index` of a dropped-file line starts and ends in the raw text (quotes and `\,` read as
 * the file reader reads them), so the field can be cut out leaving every other byte of the row as it
 * was; undefined when the line has fewer fields or a quote that does not close.
 */
export function fieldSpan(line: string, index: number): { start: number; end: number } | undefined {
  let i = 0;
  for (let k = 0; ; k++) {
    const start = i;
    if (line.charCodeAt(i) === 0x22) {
      i += 1;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line.charCodeAt(i) === 0x22) {
          if (line.charCodeAt(i + 1) === 0x22) { i += 2; continue; }
          i += 1;
          break;
        }
        i += 1;
      }
      while (i < line.length && line.charCodeAt(i) !== 0x2c) i += 1;
    } else {
      while (i < line.length && line.charCodeAt(i) !== 0x2c) i += line.charCodeAt(i) === 0x5c && line.charCodeAt(i + 1) === 0x2c ? 2 : 1;
    }
    if (k === index) return { start, end: i };
    if (i >= line.length) return undefined;
    i += 1; // the separator
  }
}

/** The line without field `index` (and one of its separators), and the field's raw text. */
export function cut(line: string, index: number): { text: string; field: string } | undefined {
  const span = fieldSpan(line, index);
  if (!span) return undefined;
  const field = line.slice(span.start, span.end);
  if (span.end < line.length) return { text: line.slice(0, span.start) + line.slice(span.end + 1), field };
  return { text: line.slice(0, Math.max(0, span.start - 1)), field };
}

export const groupsKey = (prefix: string) => `${prefix}groups.jsonl`;

/** Every group of the pool (ListGroups, 60 a page): checked before any job is created. */
export async function listGroupNames(deps: EngineDeps, config: EngineConfig): Promise<Set<string>> {
  const names = new Set<string>();
  let token: string | undefined;
  try {
    do {
      const page: ListGroupsCommandOutput = await deps.cognito.send(new ListGroupsCommand({ UserPoolId: config.userPoolId, Limit: 60, ...(token ? { NextToken: token } : {}) }));
      for (const g of page.Groups ?? []) if (g.GroupName) names.add(g.GroupName);
      token = page.NextToken || undefined;
    } while (token);
  } catch (err) {
    if (isThrottle(err)) throw throttled(`Cognito throttled listing the pool's groups: ${errorMessage(err)}`);
    throw err;
  }
  return names;
}

/**
 * The validate step's seam for the groups column: the column is cut out of the header and of every
 * row before any other check (Cognito never sees it; the 16,000-character limit applies to what is
 * uploaded), the row's group names are checked against the pool's groups, and valid rows' groups
 * are written for the step that adds memberships after the import.
 */
export class GroupsColumn {
  private index = -1;
  private out?: ObjectWriter;
  entries = 0;

  constructor(
    readonly column: string,
    private readonly known: ReadonlySet<string>,
    private readonly open: () => ObjectWriter,
  ) {}

  /** The header without the groups column (unchanged when the file has none). */
  header(text: string): string {
    this.index = parseCsvLine(text).fields.findIndex((f) => f.trim() === this.column);
    if (this.index < 0) return text;
    return cut(text, this.index)?.text ?? text;
  }

  /** The row without the groups column, its group names, and the names the pool does not have. */
  row(text: string): { text: string; groups: string[]; unknown: string[] } {
    if (this.index < 0) return { text, groups: [], unknown: [] };
    // The rest of the row stays byte for byte as it was: the normal checks and fixes see it unchanged.
    // A row too short, or with a quote that does not close, is left whole to those checks, which report it.
    const c = cut(text, this.index);
    if (!c) return { text, groups: [], unknown: [] };
    const value = parseCsvLine(c.field).fields[0] ?? '';
    const groups = [...new Set(value.split(GROUP_SEPARATOR).map((g) => g.trim()).filter((g) => g !== ''))];
    return { text: c.text, groups, unknown: groups.filter((g) => !this.known.has(g)) };
  }

  async record(entry: GroupsEntry): Promise<void> {
    if (entry.groups.length === 0) return;
    this.out ??= this.open();
    this.entries += 1;
    await this.out.write(Buffer.from(JSON.stringify(entry) + '\n'));
  }

  /** Finishes the file; true when it holds any entry. */
  async end(): Promise<boolean> {
    if (!this.out) return false;
    await this.out.end();
    return true;
  }
}

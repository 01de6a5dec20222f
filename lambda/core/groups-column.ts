import { ListGroupsCommand, ListGroupsCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { formatCognitoValue } from './cognito-dialect';
import { parseCsvLine } from './csv-fields';
import type { EngineConfig, EngineDeps } from './deps';
import { isThrottle, throttled, errorMessage } from './errors';
import type { ObjectWriter } from './object-store';

/** Group names in the groups column are separated by this. */
export const GROUP_SEPARATOR = ';';

/** One valid row's groups, for the addToGroups step (`groups.jsonl`). */
export interface GroupsEntry {
  line: number;
  username: string;
  groups: string[];
}

/** The fields of a row without the groups column, written back in Cognito's dialect for the normal checks. */
const formatCognitoLine = (fields: readonly string[]) => fields.map(formatCognitoValue).join(',');

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
    const fields = parseCsvLine(text).fields;
    this.index = fields.findIndex((f) => f.trim() === this.column);
    if (this.index < 0) return text;
    fields.splice(this.index, 1);
    return formatCognitoLine(fields);
  }

  /** The row without the groups column, its group names, and the names the pool does not have. */
  row(text: string): { text: string; groups: string[]; unknown: string[] } {
    if (this.index < 0) return { text, groups: [], unknown: [] };
    const parsed = parseCsvLine(text);
    // A row the parser cannot read is left to the normal checks, which report it.
    if (parsed.error || parsed.fields.length <= this.index) return { text, groups: [], unknown: [] };
    const [value] = parsed.fields.splice(this.index, 1);
    const groups = [...new Set(value.split(GROUP_SEPARATOR).map((g) => g.trim()).filter((g) => g !== ''))];
    return { text: formatCognitoLine(parsed.fields), groups, unknown: groups.filter((g) => !this.known.has(g)) };
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

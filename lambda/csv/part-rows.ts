import type { PartDescriptor } from '../shared/steps';
import { readCognitoFields } from './cognito-dialect';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { readTextLineBatches } from './line-reader';
import { USERNAME_COLUMN } from '../validate/pool-rules';

/** One data row of a normalized part (Cognito's dialect: never quoted, `\,` inside values). */
export interface PartRow {
  /** 0-based index among the part's data rows. */
  readonly index: number;
  /** The physical line of the dropped file it came from. */
  readonly sourceLine: number;
  readonly username: string;
  /** The row as written in the part (no newline). */
  readonly text: string;
}

export interface PartRows {
  readonly header: string[];
  readonly rows: AsyncGenerator<PartRow>;
}

/** Streams a normalized CSV (a part, or any work file of the same shape) with its line map. */
export async function readPartRows(
  deps: EngineDeps, config: EngineConfig, part: Pick<PartDescriptor, 'key' | 'lineMapKey'>, fromIndex = 0,
): Promise<PartRows> {
  const mapText = await deps.store.getText(config.bucket, part.lineMapKey);
  if (mapText === undefined) throw new Error(`work file ${part.lineMapKey} is missing`);
  const map = JSON.parse(mapText) as number[];
  const object = await deps.store.open(config.bucket, part.key);
  const batches = readTextLineBatches(object.body);
  // The header comes first: read it before handing out rows.
  let first = await batches.next();
  while (!first.done && first.value.length === 0) first = await batches.next();
  if (first.done) throw new Error(`work file ${part.key} is empty`);
  const header = first.value[0].text.split(',');
  const userIndex = header.indexOf(USERNAME_COLUMN);
  if (userIndex < 0) throw new Error(`work file ${part.key} has no ${USERNAME_COLUMN} column`);
  const rest = first.value.slice(1);
  async function* rows(): AsyncGenerator<PartRow> {
    const emit = function* (batch: typeof rest) {
      for (const line of batch) {
        const index = line.number - 2;
        if (index < fromIndex || line.text.length === 0) continue;
        const fields = readCognitoFields(line.text); // parts are in Cognito's dialect: a " is a character
        yield { index, sourceLine: map[index + 1], username: fields[userIndex] ?? '', text: line.text };
      }
    };
    yield* emit(rest);
    for await (const batch of batches) yield* emit(batch);
  }
  return { header, rows: rows() };
}

import type { ApplyExistingInput, PartDescriptor, ValidateOutput } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { executionToken, numberPartsFrom } from '../runtime/job-name';
import { LineSet } from '../csv/line-set';
import type { ObjectWriter } from '../runtime/object-store';
import { PartWriter } from '../csv/part-writer';
import { readPartRows } from '../csv/part-rows';
import {
  existingOutcomesKey, existingRowsPrefix, ExistingSummary, filteredPrefix, UserOutcome, validationKey, ValidationSummary,
} from '../runtime/work-files';

/** The report's message for a row whose user already exists (existingUsers: SKIP). */
export const ALREADY_EXISTS = 'already exists';

/**
 * The applyExisting step: takes the rows whose user exists out of the parts, so Cognito never sees
 * them (an import job counts every existing username as SKIPPED, and too many of those fail the
 * job). With SKIP they are reported as SKIPPED "already exists"; with UPDATE their rows are kept
 * in a work file for the update step. Parts with nothing found are kept as they are; the others
 * are written again (and may merge: they only got smaller). Idempotent: a retry rewrites the
 * same keys.
 */
export async function applyExisting(deps: EngineDeps, config: EngineConfig, input: ApplyExistingInput): Promise<ValidateOutput> {
  const { validation, lookup } = input;
  const prefix = validation.workPrefix;
  const summaryText = await deps.store.getText(config.bucket, validation.validationKey);
  if (summaryText === undefined) throw new Error(`work file ${validation.validationKey} is missing`);
  const summary = JSON.parse(summaryText) as ValidationSummary;

  const existing = new LineSet(summary.physicalLines);
  for (const key of lookup.chunks ?? []) {
    const text = await deps.store.getText(config.bucket, key);
    if (text === undefined) throw new Error(`work file ${key} is missing`);
    for (const line of JSON.parse(text) as number[]) existing.add(line);
  }
  const update = config.existingUsers === 'UPDATE';
  const note: ExistingSummary = {
    mode: lookup.mode ?? 'get',
    poolSizeEstimate: lookup.poolSizeEstimate ?? 0,
    requests: lookup.requests ?? 0,
    invocations: lookup.invocations ?? 0,
    rows: 0,
    ...(lookup.sample ? { sample: lookup.sample } : {}),
  };

  let parts: PartDescriptor[] = validation.parts;
  if (!existing.isEmpty) {
    let writer: PartWriter | undefined;
    let outcomes: ObjectWriter | undefined;
    let rowsOut: PartWriter | undefined;
    for (const part of validation.parts) {
      const { header, rows } = await readPartRows(deps, config, part);
      const headerLine = header.join(',');
      writer ??= new PartWriter({
        store: deps.store, bucket: config.bucket, workPrefix: filteredPrefix(prefix), sourceKey: input.source.key,
        executionToken: executionToken(input.executionName), headerLine, maxRows: config.maxRowsPerPart, maxBytes: config.maxBytesPerPart,
      });
      for await (const r of rows) {
        if (!existing.has(r.sourceLine)) {
          const pending = writer.add(r.text, r.sourceLine);
          if (pending) await pending;
          continue;
        }
        note.rows += 1;
        if (update) {
          // One CSV of the existing users' rows (one "part" of any size: the update step reads it in order).
          rowsOut ??= new PartWriter({
            store: deps.store, bucket: config.bucket, workPrefix: existingRowsPrefix(prefix), sourceKey: 'existing',
            executionToken: '', headerLine, maxRows: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER,
          });
          const pending = rowsOut.add(r.text, r.sourceLine);
          if (pending) await pending;
        } else {
          outcomes ??= deps.store.writer(config.bucket, existingOutcomesKey(prefix), 'application/x-ndjson');
          const o: UserOutcome = { line: r.sourceLine, username: r.username, outcome: 'SKIPPED', message: ALREADY_EXISTS };
          await outcomes.write(Buffer.from(JSON.stringify(o) + '\n'));
        }
      }
    }
    // Numbered on from the parts they replace (1, or after a failed job's parts when its rows are retried).
    const first = Math.min(...validation.parts.map((p) => p.partNumber));
    parts = writer ? numberPartsFrom(await writer.finish(), first, input.source.key, executionToken(input.executionName)) : [];
    if (outcomes) { await outcomes.end(); note.outcomesKey = existingOutcomesKey(prefix); }
    if (rowsOut) {
      const [only] = await rowsOut.finish();
      note.rowsKey = only.key;
      note.linesKey = only.lineMapKey;
    }
  }

  const updated: ValidationSummary = { ...summary, parts, existing: note };
  await deps.store.putText(config.bucket, validationKey(prefix), JSON.stringify(updated));
  deps.log.info('existing users taken out', { rows: note.rows, parts: parts.length, mode: note.mode, requests: note.requests });
  return { ...validation, parts };
}

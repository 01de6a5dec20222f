import { DescribeUserPoolCommand, GetCSVHeaderCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { PartDescriptor, ValidateInput, ValidateOutput } from '../shared/contract';
import { parseCsvLine, formatCognitoLine } from './csv-fields';
import type { EngineConfig, EngineDeps } from './deps';
import { isThrottle, throttled, errorMessage } from './errors';
import { planHeader, HeaderPlan } from './header-check';
import { executionToken } from './job-name';
import { readLines } from './line-reader';
import type { ObjectWriter } from './object-store';
import { PartWriter } from './part-writer';
import { buildPoolRules, PoolRules, USERNAME_COLUMN } from './pool-rules';
import { checkRow, MAX_ROW_CHARACTERS, RowProblem } from './row-validator';
import { UsernameSet } from './username-set';
import { RejectedEntry, rejectedKey, validationKey, ValidationSummary, workPrefixFor } from './work-files';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// Stop collecting file-level errors past this: the file is rejected anyway.
const MAX_FILE_ERRORS = 100;

/** Cognito's pool settings that decide the rules: live, never cached across files. */
export async function loadPoolRules(deps: EngineDeps, config: EngineConfig): Promise<PoolRules> {
  try {
    const [header, pool] = await Promise.all([
      deps.cognito.send(new GetCSVHeaderCommand({ UserPoolId: config.userPoolId })),
      deps.cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.userPoolId })),
    ]);
    return buildPoolRules(pool.UserPool ?? { Id: config.userPoolId }, header.CSVHeader ?? [], config.passwordHashingAlgorithm);
  } catch (err) {
    if (isThrottle(err)) throw throttled(`Cognito throttled reading the pool: ${errorMessage(err)}`);
    throw err;
  }
}

/**
 * The validate step: one streaming pass over the dropped object that checks every row against the
 * live pool, applies the safe fixes, writes the normalized parts and explains every left-out row.
 */
export async function validate(deps: EngineDeps, config: EngineConfig, input: ValidateInput): Promise<ValidateOutput> {
  const { source } = input;
  const prefix = workPrefixFor(config.workPrefix, input.executionName);
  const rules = await loadPoolRules(deps, config);
  const object = await deps.store.open(source.bucket, source.key, source.versionId);

  const fixes: Record<string, number> = {};
  const fix = (name: string, n = 1) => { if (n > 0) fixes[name] = (fixes[name] ?? 0) + n; };
  const fileErrors: RejectedEntry[] = [];
  const rejectedOut: ObjectWriter = deps.store.writer(config.bucket, rejectedKey(prefix), 'application/x-ndjson');
  let rejectedEntries = 0;
  const reject = async (e: RejectedEntry) => {
    rejectedEntries += 1;
    await rejectedOut.write(Buffer.from(JSON.stringify(e) + '\n'));
  };
  const fileError = async (line: number, message: string, column?: string) => {
    if (fileErrors.length >= MAX_FILE_ERRORS) return;
    const e: RejectedEntry = column ? { line, column, message } : { line, message };
    fileErrors.push(e);
    await reject(e);
  };

  const parts = new PartWriter({
    store: deps.store,
    bucket: config.bucket,
    workPrefix: prefix,
    sourceKey: source.key,
    executionToken: executionToken(input.executionName),
    headerLine: rules.columns.join(','),
    maxRows: config.maxRowsPerPart,
    maxBytes: config.maxBytesPerPart,
  });
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const seen = new UsernameSet();
  let plan: HeaderPlan | undefined;
  let physicalLines = 0;
  let rows = 0;
  let badRows = 0;
  let validRows = 0;
  // Parts stop being written once the file can no longer be imported (file error, REJECT_FILE).
  let writing = true;

  for await (const line of readLines(object.body)) {
    physicalLines = line.number;
    let bytes = line.bytes;
    if (line.number === 1 && bytes.subarray(0, 3).equals(BOM)) {
      bytes = bytes.subarray(3);
      fix('bomStripped');
    }
    if (line.crlf) fix('crlfToLf');
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      if (line.number > 1) rows += 1;
      writing = false;
      await fileError(line.number, `line ${line.number} is not valid UTF-8`);
      continue;
    }
    if (line.number === 1) {
      if (text.trim() === '') {
        writing = false;
        await fileError(1, 'the first line (header) is empty');
        continue;
      }
      const parsed = parseCsvLine(text);
      fix('quotedFieldsRewritten', parsed.quotedFields);
      if (parsed.error) {
        writing = false;
        await fileError(1, 'the header line has a malformed quoted column name');
        continue;
      }
      plan = planHeader(rules, parsed.fields);
      for (const e of plan.errors) await fileError(1, e.message, e.column);
      if (plan.errors.length > 0) writing = false;
      fix('missingColumnsAdded', plan.missing.length);
      continue;
    }
    if (text.trim() === '') {
      // A blank line is not a user; Cognito would fail it. Dropped, counted, and its number kept.
      fix('blankLinesRemoved');
      continue;
    }
    rows += 1;
    const parsed = parseCsvLine(text);
    if (parsed.error === 'unterminated-quote') {
      writing = false;
      await fileError(line.number, `line ${line.number} has a quoted field that runs past the end of the line (embedded newline)`);
      continue;
    }
    if (!plan || fileErrors.length > 0) continue; // the file is rejected: only count and look for more file errors
    fix('quotedFieldsRewritten', parsed.quotedFields);

    const problems: RowProblem[] = [];
    let username = '';
    let values: string[] = [];
    if (parsed.error === 'malformed-quote') {
      problems.push({ message: 'row has a malformed quoted field (text after a closing quote)' });
    } else {
      const checked = checkRow(rules, plan, parsed.fields);
      problems.push(...checked.problems);
      username = checked.username;
      values = checked.values;
      fix('booleansNormalized', checked.booleansNormalized);
    }
    if (line.truncated || text.length > MAX_ROW_CHARACTERS) {
      problems.push({ message: `row is longer than ${MAX_ROW_CHARACTERS} characters` });
    }
    if (username !== '') {
      const first = seen.addOrGet(rules.usernameCaseSensitive ? username : username.toLowerCase(), line.number);
      if (first !== undefined) problems.push({ column: USERNAME_COLUMN, message: `duplicate cognito:username (first on line ${first})` });
    }
    if (problems.length > 0) {
      badRows += 1;
      for (const p of problems) {
        const e: RejectedEntry = { line: line.number, message: p.message };
        if (username) e.username = username;
        if (p.column) e.column = p.column;
        await reject(e);
      }
      if (config.invalidRows === 'REJECT_FILE') writing = false;
      continue;
    }
    validRows += 1;
    if (writing) await parts.add(formatCognitoLine(values), line.number);
  }

  if (physicalLines === 0 || !plan) {
    if (fileErrors.length === 0) await fileError(1, 'the file is empty (no header line)');
  } else if (rows === 0 && fileErrors.length === 0) {
    await fileError(1, 'the file has a header but no user rows');
  }

  let outcome: ValidateOutput['outcome'];
  let written: PartDescriptor[] = [];
  if (fileErrors.length > 0 || (badRows > 0 && config.invalidRows === 'REJECT_FILE')) {
    outcome = 'Rejected';
    await parts.abort();
  } else if (validRows === 0) {
    outcome = 'Empty';
    await parts.abort();
  } else {
    outcome = 'Valid';
    written = await parts.finish();
  }
  await rejectedOut.end();

  const rejectedRows = outcome === 'Valid' ? badRows : rows;
  const summary: ValidationSummary = {
    outcome,
    rows,
    rejectedRows,
    physicalLines,
    fixes,
    rejectedKey: rejectedKey(prefix),
    rejectedEntries,
    fileErrors,
    parts: written,
  };
  await deps.store.putText(config.bucket, validationKey(prefix), JSON.stringify(summary));
  deps.log.info('validated', {
    key: source.key, outcome, rows, rejectedRows, parts: written.length, fileErrors: fileErrors.length, fixes,
  });
  return { outcome, workPrefix: prefix, parts: written, validationKey: validationKey(prefix), rows, rejectedRows };
}

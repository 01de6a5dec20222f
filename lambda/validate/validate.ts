import { DescribeUserPoolCommand, GetCSVHeaderCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { PartDescriptor, ValidateInput, ValidateOutput } from '../shared/steps';
import { firstUnwritable, formatCognitoRow, trimPadding } from '../csv/cognito-dialect';
import { parseCsvLine } from '../csv/csv-fields';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { GroupsColumn, groupsKey, listGroupNames } from '../users/groups-column';
import { UnusedPasswordHashColumn } from './password-hash-column';
import { isThrottle, throttled, errorMessage } from '../runtime/errors';
import { planHeader, HeaderPlan } from './header-check';
import { BytePlan, bytePlan, passingRowEnd, rowPassesOnBytes } from './row-bytes';
import { openSource } from '../report/source-object';
import { executionToken } from '../runtime/job-name';
import { addSpan, readLineBatches, SpanBatch, splitLines, TextLine, textLineOf } from '../csv/line-reader';
import type { ObjectWriter } from '../runtime/object-store';
import { PartWriter } from '../csv/part-writer';
import { buildPoolRules, PASSWORD_HASH_COLUMN, PoolRules, USERNAME_COLUMN } from './pool-rules';
import { checkPlainRow, checkRow, MAX_ROW_CHARACTERS, RowProblem } from './row-validator';
import { UsernameSet } from './username-set';
import { hashedLinesKey, RejectedEntry, rejectedKey, validationKey, ValidationSummary, workPrefixFor } from '../runtime/work-files';

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
    if (isThrottle(err)) throw throttled(`Cognito throttled reading the pool: ${errorMessage(err)}`, err);
    throw err;
  }
}

/** Rows of the first batch the username table's size is estimated from. */
const RESERVE_AFTER_ROWS = 64;
/** At most this many users are made room for up front (≤ 32 MB); a bigger file grows the table. */
const MAX_RESERVED_USERS = 2_000_000;

/**
 * The validate step: one streaming pass over the dropped object that checks every row against the
 * live pool, applies the safe fixes, writes the normalized parts and explains every left-out row.
 */
export async function validate(deps: EngineDeps, config: EngineConfig, input: ValidateInput): Promise<ValidateOutput> {
  const { source } = input;
  const prefix = workPrefixFor(config.workPrefix, input.executionName);
  const rules = await loadPoolRules(deps, config);
  const object = await openSource(deps, config, source);

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

  // The groups column (groupsColumn): cut out before every other check, its names checked against the pool.
  const groupsColumn = config.groupsColumn
    ? new GroupsColumn(config.groupsColumn, await listGroupNames(deps, config), () => deps.store.writer(config.bucket, groupsKey(prefix), 'application/x-ndjson'))
    : undefined;
  // Without an algorithm a password_hash column is never uploaded (the console's template has one).
  const unusedHashes = config.passwordHashingAlgorithm ? undefined : new UnusedPasswordHashColumn();
  // With an algorithm: the valid rows that carry a hash (their users import CONFIRMED), for the report.
  const hashIndex = config.passwordHashingAlgorithm ? rules.columns.indexOf(PASSWORD_HASH_COLUMN) : -1;
  const hashedOut = hashIndex >= 0 ? deps.store.writer(config.bucket, hashedLinesKey(prefix), 'text/plain') : undefined;
  let hashedRows = 0;
  let rowGroups: string[] = [];
  let unknownGroups: string[] = [];

  const seen = new UsernameSet();
  let plan: HeaderPlan | undefined;
  let parts: PartWriter | undefined;
  // The part's columns (pool column indices, in order): the missing ones, empty, then the file's own
  // order (Cognito takes any order). `verbatim`: a line that needs no fix is uploaded as missingPrefix + line.
  let partOrder: number[] = [];
  let missingPrefix = '';
  let verbatim = false;
  let physicalLines = 0;
  let rows = 0;
  let badRows = 0;
  let validRows = 0;
  // Parts stop being written once the file can no longer be imported (file error, REJECT_FILE).
  let writing = true;

  /** Everything about one line, on its text (the header, and every row the byte path does not pass). */
  const handleLine = async (line: TextLine): Promise<void> => {
    physicalLines = line.number;
    if (line.bom) fix('bomStripped');
    if (line.crlf) fix('crlfToLf');
    if (line.invalidUtf8) {
      if (line.number > 1) rows += 1;
      writing = false;
      await fileError(line.number, `line ${line.number} is not valid UTF-8`);
      return;
    }
    let text = line.text;
    if (groupsColumn && !line.truncated) {
      if (line.number === 1) text = groupsColumn.header(text);
      else ({ text, groups: rowGroups, unknown: unknownGroups } = groupsColumn.row(text));
    }
    if (unusedHashes && !line.truncated) text = line.number === 1 ? unusedHashes.header(text) : unusedHashes.row(text, line.number);
    if (line.number === 1) {
      if (isBlank(text)) {
        writing = false;
        await fileError(1, 'the first line (header) is empty');
        return;
      }
      const parsed = parseCsvLine(text);
      fix('quotedFieldsRewritten', parsed.quotedFields);
      if (parsed.error) {
        writing = false;
        await fileError(1, 'the header line has a malformed quoted column name');
        return;
      }
      plan = planHeader(rules, parsed.fields);
      for (const e of plan.errors) await fileError(1, e.message, e.column);
      if (plan.errors.length > 0) writing = false;
      fix('missingColumnsAdded', plan.missing.length);
      if (unusedHashes?.present) fix('passwordHashColumnRemoved');
      // Missing columns go first, so the file's own last column stays last (a value ending in `\`
      // can only be written there). The part's columns are a list: a reordering or a left-out
      // column only has to change partColumns and clear `verbatim`.
      const partColumns = [...plan.missing, ...parsed.fields.map((f) => trimPadding(f))];
      partOrder = partColumns.map((column) => rules.columns.indexOf(column));
      missingPrefix = ','.repeat(plan.missing.length);
      verbatim = true;
      parts = new PartWriter({
        store: deps.store,
        bucket: config.bucket,
        workPrefix: prefix,
        sourceKey: source.key,
        executionToken: executionToken(input.executionName),
        headerLine: partColumns.join(','),
        maxRows: config.maxRowsPerPart,
        maxBytes: config.maxBytesPerPart,
      });
      return;
    }
    if (isBlank(text)) {
      // A blank line is not a user; Cognito would fail it. Dropped, counted, and its number kept.
      fix('blankLinesRemoved');
      return;
    }
    rows += 1;
    // Most rows: no quotes, no escapes, nothing to fix; only the columns a rule reads are cut out.
    const fileRejected = !plan || !parts || fileErrors.length > 0;
    const plain = fileRejected || !verbatim ? undefined : checkPlainRow(rules, plan!, text);
    let checked = plain && plain.booleansNormalized === 0 && !plain.mfaFilled ? plain : undefined;
    let quotedFields = 0;
    let problems: RowProblem[] = [];
    if (!checked) {
      if (fileRejected) return; // the file is rejected: only count and look for more file errors
      const parsed = parseCsvLine(text);
      quotedFields = parsed.quotedFields;
      if (parsed.error === 'unterminated-quote') {
        problems = [{ message: 'row has a quote that is not closed on this line (a value cannot span lines, and Cognito reads no quotes)' }];
      } else if (parsed.error === 'malformed-quote') {
        problems = [{ message: 'row has a malformed quoted field (text after a closing quote)' }];
      } else {
        checked = checkRow(rules, plan!, parsed.fields, text.length);
      }
    }
    let username = '';
    let out = '';
    if (checked) {
      problems = checked.problems;
      username = checked.username;
    }
    // A row that is not uploaded is measured as it is in the file (a longer line is never shorter uploaded,
    // except for padding: the length message is then one of its problems, not the only one).
    if (line.truncated || (problems.length > 0 && text.length > MAX_ROW_CHARACTERS)) {
      problems.push({ message: `row is longer than ${MAX_ROW_CHARACTERS} characters` });
    }
    if (problems.length === 0 && checked) {
      // What is uploaded: the line as it is when it reads back the same in Cognito's dialect, else
      // the validated values written anew. Limits are measured on that.
      const rewrite = checked !== plain && (quotedFields > 0 || checked.booleansNormalized > 0 || checked.valuesTrimmed > 0 || !!checked.mfaFilled
        || text.indexOf('\\') >= 0 || text.indexOf('\r') >= 0 || !verbatim);
      if (rewrite) {
        const bad = firstUnwritable(checked.values, partOrder);
        if (bad >= 0) {
          const column = rules.columns[bad];
          problems.push({
            column,
            message: /[\r\n]/.test(checked.values[bad])
              ? `${column} holds a carriage return, which would end the row in Cognito's CSV`
              : `${column} ends with a backslash, which Cognito would read with the next comma as an escaped comma (\\,): remove the trailing backslash, or make ${column} the last column`,
          });
        } else {
          out = formatCognitoRow(checked.values, partOrder);
        }
      } else {
        out = missingPrefix + text;
      }
      if (out.length > MAX_ROW_CHARACTERS) problems.push({ message: `row is longer than ${MAX_ROW_CHARACTERS} characters as uploaded` });
    }
    if (username !== '') {
      const first = seen.addOrGet(username, line.number, !rules.usernameCaseSensitive);
      if (first !== undefined) problems.push({ column: USERNAME_COLUMN, message: `duplicate cognito:username (first on line ${first})` });
    }
    for (const g of unknownGroups) problems.push({ column: config.groupsColumn, message: `group '${g}' does not exist in the pool` });
    unknownGroups = [];
    if (problems.length > 0) {
      badRows += 1;
      for (const p of problems) {
        const e: RejectedEntry = { line: line.number, message: p.message };
        if (username) e.username = username;
        if (p.column) e.column = p.column;
        await reject(e);
      }
      if (config.invalidRows === 'REJECT_FILE') writing = false;
      return;
    }
    // Counted only for rows that are uploaded.
    fix('quotedFieldsRewritten', quotedFields);
    fix('booleansNormalized', checked!.booleansNormalized);
    fix('valuesTrimmed', checked!.valuesTrimmed);
    fix('mfaEnabledFilled', checked!.mfaFilled ?? 0);
    validRows += 1;
    if (hashedOut && checked!.values[hashIndex] !== '') {
      hashedRows += 1;
      await hashedOut.write(Buffer.from(`${line.number}\n`));
    }
    if (groupsColumn) await groupsColumn.record({ line: line.number, username, groups: rowGroups });
    if (!writing || !parts) return;
    const pending = parts.add(out, line.number);
    if (pending) await pending;
  };

  // Most rows pass every rule on their bytes and are copied as they are: no string per row.
  let fast: { bytes: BytePlan; prefix: Buffer } | undefined;
  let fastFor: HeaderPlan | undefined;
  let reserved = false;
  for await (const batch of readLineBatches(object.body)) {
    if (Array.isArray(batch)) {
      for (const line of batch) await handleLine(line);
      continue;
    }
    if (plan !== fastFor) {
      fastFor = plan;
      // Not with a column to cut out (groups, an unused password_hash): the upload is then the row
      // without it, never the row's own bytes.
      const bytes = plan && verbatim && !groupsColumn && !unusedHashes?.present ? bytePlan(rules, plan, MAX_ROW_CHARACTERS) : undefined;
      fast = bytes ? { bytes, prefix: Buffer.from(missingPrefix) } : undefined;
    }
    // For the byte path, one native scan per region: most regions have no quote, backslash or CR at all.
    const clean = fast !== undefined && batch.buf.indexOf(0x22) < 0 && batch.buf.indexOf(0x5c) < 0 && batch.buf.indexOf(0x0d) < 0;
    // First which rows pass on their bytes (a pure check that also finds the region's lines) and
    // their usernames' hashes; then the rows are taken in order, duplicates checked and written.
    const passing = fast ? bytesPass(fast.bytes, batch, clean, fast.prefix.length) : (splitLines(batch), undefined);
    if (!reserved && batch.count >= RESERVE_AFTER_ROWS && object.length) {
      // The username table is sized once, from the file's length and its first rows' size, so it
      // does not grow (and leave freed slots behind) as it fills. An estimate only: a wrong one
      // costs growth or some unused slots, never a wrong answer.
      reserved = true;
      const estimate = Math.ceil((object.length / (batch.buf.length / batch.count)) * 1.05);
      seen.reserve(Math.min(estimate, MAX_RESERVED_USERS));
    }
    fix('crlfToLf', batch.crlf);
    physicalLines = batch.firstNumber + batch.count - 1;
    const { buf, starts, ends } = batch;
    // Without a prefix and without CRs, consecutive passing rows are their bytes with their LFs, as
    // in the file: they are copied into the part as one run (one copy, not one per row).
    const runs = clean && fast!.prefix.length === 0;
    let k = 0;
    while (k < batch.count) {
      if (passing && parts && fileErrors.length === 0) {
        const to = takePassing(seen, passing, batch, k);
        if (to > k) {
          rows += to - k;
          validRows += to - k;
          if (writing && runs) {
            const pending = parts.addRun(buf, starts[k], ends[to - 1] + 1, batch.firstNumber + k, to - k);
            if (pending) await pending;
          } else if (writing) {
            for (let j = k; j < to; j++) {
              const pending = parts.addBytes(fast!.prefix, buf, starts[j], ends[j], batch.firstNumber + j);
              if (pending) await pending;
            }
          }
          k = to;
          continue;
        }
      }
      await handleLine(textLineOf(batch, k));
      k += 1;
    }
  }

  const hashProblem = unusedHashes?.problem();
  if (hashProblem) {
    writing = false;
    await fileError(hashProblem.line, hashProblem.message, hashProblem.column);
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
    await parts?.abort();
  } else if (validRows === 0 || !parts) {
    outcome = 'Empty';
    await parts?.abort();
  } else {
    outcome = 'Valid';
    written = await parts.finish();
  }
  await rejectedOut.end();
  await hashedOut?.end();
  const hasGroups = (await groupsColumn?.end()) === true;

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
    ...(hasGroups ? { groupsKey: groupsKey(prefix) } : {}),
    ...(hashedOut ? { hashedLinesKey: hashedLinesKey(prefix), hashedRows } : {}),
  };
  await deps.store.putText(config.bucket, validationKey(prefix), JSON.stringify(summary));
  deps.log.info('validated', {
    key: source.key, outcome, rows, rejectedRows, parts: written.length, fileErrors: fileErrors.length, fixes,
  });
  return { outcome, workPrefix: prefix, parts: written, validationKey: validationKey(prefix), rows, rejectedRows };
}

/**
 * From row k on, the rows that pass on their bytes and whose username is new: added to `seen`.
 * Returns the first row that is not one (a row to explain, a duplicate) or the batch's end. In a
 * function of its own, like bytesPass: a per-row loop in validate's body, an async function called
 * once per file, would run unoptimized for much of the file.
 */
function takePassing(seen: UsernameSet, passing: typeof scratch, batch: SpanBatch, k: number): number {
  const { ok, hi, lo } = passing;
  const first = batch.firstNumber;
  let j = k;
  while (j < batch.count && ok[j] === 1 && seen.addOrGetHash(hi[j], lo[j], first + j) === undefined) j++;
  return j;
}

/** Per-batch scratch of bytesPass, grown to the largest batch and reused. */
let scratch = { ok: new Uint8Array(1024), hi: new Uint32Array(1024), lo: new Uint32Array(1024) };
const hash = new Uint32Array(2);

function growScratch(): void {
  const n = 2 * scratch.ok.length;
  const grown = { ok: new Uint8Array(n), hi: new Uint32Array(n), lo: new Uint32Array(n) };
  grown.ok.set(scratch.ok);
  grown.hi.set(scratch.hi);
  grown.lo.set(scratch.lo);
  scratch = grown;
}

/**
 * For each row of the batch: whether it passes every rule on its bytes (ok 1) and, if so, its
 * username's hash (hi, lo). Splits the batch into its lines. Valid until the next call.
 */
function bytesPass(p: BytePlan, batch: SpanBatch, clean: boolean, prefixLength: number): typeof scratch {
  const { buf } = batch;
  if (clean) {
    // No quote, backslash or CR in the region: the check reads each row once and finds its end as
    // it goes; only a row that does not pass is searched for its end.
    let n = 0;
    for (let start = 0; start < buf.length; n++) {
      if (n === scratch.ok.length) growScratch();
      let end = passingRowEnd(p, buf, start, buf.length, hash);
      if (end >= 0 && prefixLength + end - start <= MAX_ROW_CHARACTERS) {
        scratch.ok[n] = 1;
        scratch.hi[n] = hash[0];
        scratch.lo[n] = hash[1];
      } else {
        scratch.ok[n] = 0;
        if (end < 0) end = buf.indexOf(0x0a, start);
      }
      addSpan(batch, n, start, end);
      start = end + 1;
    }
    batch.count = n;
    batch.crlf = 0;
    return scratch;
  }
  splitLines(batch);
  while (scratch.ok.length < batch.count) growScratch();
  const { ok, hi, lo } = scratch;
  const { starts, ends } = batch;
  for (let k = 0; k < batch.count; k++) {
    const start = starts[k];
    const end = ends[k];
    if (prefixLength + end - start <= MAX_ROW_CHARACTERS && rowPassesOnBytes(p, buf, start, end, hash, false)) {
      ok[k] = 1;
      hi[k] = hash[0];
      lo[k] = hash[1];
    } else ok[k] = 0;
  }
  return scratch;
}

/** Only white space (or nothing): checked without making a trimmed copy of every line. */
function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  if (text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32) return false;
  return text.trim() === '';
}

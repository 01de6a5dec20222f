/**
 * docs/csv-and-report.md is the single home of the report reference: every key path a report can hold must
 * have a row there (a code first cell, `jobs[].jobId`, arrays marked `[]`). Checked two ways:
 * - real reports: the sample CSVs and a file with a groups column and existing users run through the CLI's
 *   `run-local --json` on the local cloud, and every key path they hold is looked up;
 * - the `ImportReport` type: every property under it (TypeScript compiler API over lambda/shared), including
 *   the ones a short local run cannot provoke (`error`, `unknownFate`, `groups.failed[].group`, ...).
 * Needs `npm run build` (the CLI runs compiled).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { runCli } from '../run-cli';
import { firstCodeCells, readDoc, REPO } from './markdown';

const DOC = 'docs/csv-and-report.md';
const CONTRACT = join(REPO, 'lambda', 'shared', 'report.ts');
const SAMPLES = join(REPO, 'packages', 'cli', 'samples');
const documented = () => new Set(firstCodeCells(readDoc(DOC)));

/** Every key path of a JSON value: `a.b`, arrays as `a[]` and their elements' keys as `a[].c`. */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const element of value) keyPaths(element, prefix, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = `${prefix}${key}${Array.isArray(child) ? '[]' : ''}`;
      out.add(path);
      keyPaths(child, `${path}.`, out);
    }
  }
  return out;
}

describe('every key of a real report is documented', () => {
  let paths: Set<string>;

  beforeAll(async () => {
    // A file whose users exist after the first sample (lookup, UPDATED) and that names a group the pool lacks
    // (a rejected row, and the report's `groups`).
    const dir = mkdtempSync(join(tmpdir(), 'cui-docs-'));
    const clean = readFileSync(join(SAMPLES, 'users-clean.csv'), 'utf8').trim().split('\n');
    const sync = [`${clean[0]},groups`, `${clean[1]},staff`, `${clean[3]},`, `${clean[4]},`].join('\n') + '\n';
    writeFileSync(join(dir, 'sync.csv'), sync);
    // One user that Cognito fails: `users[]` with a Cognito outcome.
    writeFileSync(join(dir, 'behaviour.json'), JSON.stringify({ failUsernames: ['grace.sample'] }));
    const files = ['users-clean.csv', 'users-fixable.csv', 'users-with-errors.csv'].map((f) => join(SAMPLES, f));
    const run = await runCli(['run-local', ...files, join(dir, 'sync.csv'), '--pool', join(SAMPLES, 'pool.json'),
      '--existing-users', 'update', '--groups-column', 'groups', '--behaviour', join(dir, 'behaviour.json'), '--json']);
    expect(run.stderr).not.toMatch(/unexpected error/i);
    const reports = JSON.parse(run.stdout) as unknown[];
    expect(reports).toHaveLength(4);
    paths = new Set(reports.flatMap((r) => [...keyPaths(r)]));
  });

  test('the run produced the optional keys it is meant to exercise', () => {
    for (const p of ['lookup.method', 'groups.failed[]', 'totals.updated', 'users[].outcome', 'rejected[].column',
      'jobs[].resultLineNumbers', 'fixes.crlfToLf', 'failedRowsUri']) {
      expect(paths).toContain(p);
    }
  });

  test(`each key path has a row in ${DOC}`, () => {
    const doc = documented();
    expect([...paths].filter((p) => !doc.has(p)).sort()).toEqual([]);
  });
});

/** Key paths of a TypeScript type, as `keyPaths` names them; a `Record<string, …>` (e.g. `fixes`) stops the walk. */
function typePaths(checker: ts.TypeChecker, type: ts.Type, prefix = '', out = new Set<string>()): Set<string> {
  for (const prop of checker.getPropertiesOfType(type)) {
    const declaration = prop.valueDeclaration ?? prop.declarations?.[0];
    if (!declaration) continue;
    let propType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(prop, declaration));
    const isArray = checker.isArrayType(propType);
    if (isArray) propType = checker.getNonNullableType(checker.getTypeArguments(propType as ts.TypeReference)[0]);
    const path = `${prefix}${prop.getName()}${isArray ? '[]' : ''}`;
    out.add(path);
    const isObject = (propType.flags & ts.TypeFlags.Object) !== 0 && !checker.getIndexInfosOfType(propType).length;
    if (isObject) typePaths(checker, propType, `${path}.`, out);
  }
  return out;
}

test(`every key of the ImportReport type has a row in ${DOC}`, () => {
  const program = ts.createProgram([CONTRACT], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(CONTRACT)!;
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'ImportReport');
  expect(declaration).toBeDefined();
  const paths = typePaths(checker, checker.getTypeAtLocation(declaration!));
  expect(paths).toContain('groups.failed[].group');
  const doc = documented();
  expect([...paths].filter((p) => !doc.has(p)).sort()).toEqual([]);
});

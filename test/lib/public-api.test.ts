/**
 * The public API as jsii sees it (the `.jsii` assembly `npm run build` writes): what other languages
 * and API.md get. Every runtime export must be in the assembly (jsii drops module-level constants and
 * functions silently), and every type, member and parameter must carry documentation.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const assembly = JSON.parse(readFileSync(join(ROOT, '.jsii'), 'utf8'));
const types: Record<string, any> = assembly.types;

test('every runtime export of lib/index is a type in the jsii assembly (no module-level const or function)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = Object.keys(require(join(ROOT, 'lib', 'index.js'))).filter((k) => k !== '__esModule');
  expect(exported.length).toBeGreaterThan(0);
  const missing = exported.filter((name) => !types[`${assembly.name}.${name}`]);
  expect(missing).toEqual([]);
});

test('every public type, member and parameter is documented; every optional prop says its @default', () => {
  const undocumented: string[] = [];
  const need = (what: string, docs: any) => { if (!docs?.summary) undocumented.push(what); };
  for (const [fqn, t] of Object.entries(types)) {
    need(fqn, t.docs);
    for (const p of t.properties ?? []) {
      need(`${fqn}.${p.name}`, p.docs);
      if (t.datatype && p.optional && p.docs?.default === undefined) undocumented.push(`${fqn}.${p.name} @default`);
    }
    for (const m of t.members ?? []) need(`${fqn}.${m.name}`, m.docs);
    for (const p of t.initializer?.parameters ?? []) need(`${fqn} constructor parameter ${p.name}`, p.docs);
    for (const m of t.methods ?? []) {
      need(`${fqn}.${m.name}()`, m.docs);
      for (const p of m.parameters ?? []) need(`${fqn}.${m.name}() parameter ${p.name}`, p.docs);
    }
  }
  expect(undocumented).toEqual([]);
});

test('the assembly names a package for every jsii target language', () => {
  expect(Object.keys(assembly.targets).sort()).toEqual(['dotnet', 'go', 'java', 'js', 'python']);
  expect(assembly.author.name).toBeTruthy();
  expect(assembly.repository.url).toMatch(/^https:\/\//);
});

import { GroupsColumn } from '../../lambda/users/groups-column';
import { attributesOf, updatableColumns } from '../../lambda/users/update-users';
import type { ObjectWriter } from '../../lambda/runtime/object-store';

describe('GroupsColumn: the groups column is cut out before any other check', () => {
  const written: string[] = [];
  const writer: ObjectWriter = { async write(b) { written.push(b.toString()); }, async end() { return 0; }, async abort() { /* nothing */ } };
  const column = () => new GroupsColumn('groups', new Set(['admins', 'staff', 'a;b-not-a-name']), () => writer);

  test('header and rows lose the column wherever it is; names split on ";" and trimmed, duplicates once', () => {
    const g = column();
    expect(g.header('cognito:username,groups,email')).toBe('cognito:username,email');
    expect(g.row('ann, admins ; staff;admins ,ann@example.com')).toEqual({ text: 'ann,ann@example.com', groups: ['admins', 'staff'], unknown: [] });
  });
  test('the last column can be the groups column', () => {
    const g = column();
    g.header('cognito:username,email,groups');
    expect(g.row('ann,ann@example.com,staff')).toEqual({ text: 'ann,ann@example.com', groups: ['staff'], unknown: [] });
  });
  test('the rest of the row is left byte for byte (RFC quotes stay for the normal fixes to count)', () => {
    const g = column();
    g.header('cognito:username,groups,name');
    expect(g.row('"ann","staff;admins","Doe, ""Jr"""')).toEqual({ text: '"ann","Doe, ""Jr"""', groups: ['staff', 'admins'], unknown: [] });
    expect(g.row('bob,"unterminated')).toEqual({ text: 'bob,"unterminated', groups: [], unknown: [] });
  });
  test('values keep Cognito\'s escaped commas after the cut', () => {
    const g = column();
    g.header('cognito:username,address,groups');
    expect(g.row('ann,1 Main St\\, Springfield,staff').text).toBe('ann,1 Main St\\, Springfield');
  });
  test('names the pool does not have are returned as unknown (the row is then rejected)', () => {
    const g = column();
    g.header('groups,cognito:username');
    expect(g.row('staff;ghosts,bob')).toEqual({ text: 'bob', groups: ['staff', 'ghosts'], unknown: ['ghosts'] });
    expect(g.row(',carl')).toEqual({ text: 'carl', groups: [], unknown: [] });
  });
  test('a file without the column is left as it is', () => {
    const g = column();
    expect(g.header('cognito:username,email')).toBe('cognito:username,email');
    expect(g.row('ann,ann@example.com')).toEqual({ text: 'ann,ann@example.com', groups: [], unknown: [] });
  });
  test('only rows with groups are recorded', async () => {
    const g = column();
    await g.record({ line: 2, username: 'ann', groups: [] });
    await g.record({ line: 3, username: 'bob', groups: ['staff'] });
    expect(g.entries).toBe(1);
    expect(await g.end()).toBe(true);
    expect(written.join('')).toBe('{"line":3,"username":"bob","groups":["staff"]}\n');
  });
});

describe('what an update writes', () => {
  const header = ['cognito:username', 'email', 'email_verified', 'given_name', 'custom:tenant', 'cognito:mfa_enabled', 'password_hash', 'sub'];
  const pool = { SchemaAttributes: [{ Name: 'custom:tenant', Mutable: false }, { Name: 'given_name', Mutable: true }] };

  test('never the username, cognito:* columns, the password hash, sub or immutable attributes', () => {
    expect([...updatableColumns(header, pool)].sort()).toEqual(['email', 'email_verified', 'given_name']);
  });
  test('only non-empty cells, trimmed, with Cognito\'s escaped commas decoded', () => {
    const updatable = updatableColumns(header, pool);
    expect(attributesOf('ann,ann@example.com,true, Ann\\, Jr ,acme,false,$2b$10$x,abc', header, updatable)).toEqual([
      { Name: 'email', Value: 'ann@example.com' }, { Name: 'email_verified', Value: 'true' }, { Name: 'given_name', Value: 'Ann, Jr' },
    ]);
    expect(attributesOf('ann,,,,acme,false,,', header, updatable)).toEqual([]);
  });
});

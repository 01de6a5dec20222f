/** User pool descriptions: the default pool, and the JSON `aws cognito-idp describe-user-pool` prints. */

export interface SchemaAttribute {
  Name: string;
  AttributeDataType: 'String' | 'Number' | 'DateTime' | 'Boolean';
  DeveloperOnlyAttribute?: boolean;
  Mutable?: boolean;
  Required?: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

/** The UserPool object of DescribeUserPool, as far as the local cloud uses it (everything else is kept as given). */
export interface PoolDescription {
  Id: string;
  Name: string;
  Arn?: string;
  SchemaAttributes: SchemaAttribute[];
  AutoVerifiedAttributes?: string[];
  MfaConfiguration?: 'OFF' | 'ON' | 'OPTIONAL';
  UsernameAttributes?: string[];
  UsernameConfiguration?: { CaseSensitive?: boolean };
  UserPoolTier?: string;
  [other: string]: unknown;
}

const str = (Name: string, opts: Partial<SchemaAttribute> = {}): SchemaAttribute => ({
  Name, AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' }, ...opts,
});
const bool = (Name: string): SchemaAttribute => ({ Name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });

/** Standard attributes in the order Cognito lists them. */
export function standardSchema(): SchemaAttribute[] {
  return [
    str('sub', { Mutable: false, Required: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' } }),
    str('name'), str('given_name'), str('family_name'), str('middle_name'), str('nickname'), str('preferred_username'),
    str('profile'), str('picture'), str('website'), str('email'), bool('email_verified'), str('gender'),
    str('birthdate', { StringAttributeConstraints: { MinLength: '10', MaxLength: '10' } }),
    str('zoneinfo'), str('locale'), str('phone_number'), bool('phone_number_verified'), str('address'),
    { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
    { Name: 'identities', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: {} },
  ];
}

/** The default local pool: email auto-verified, MFA off. */
export function defaultPool(id: string, name = 'local-pool'): PoolDescription {
  return {
    Id: id,
    Name: name,
    SchemaAttributes: standardSchema(),
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: 'OFF',
    UsernameConfiguration: { CaseSensitive: false },
    UserPoolTier: 'ESSENTIALS',
  };
}

const DATE_FIELDS = ['CreationDate', 'LastModifiedDate'];

/**
 * Accepts the output of `aws cognito-idp describe-user-pool` (`{"UserPool": {...}}`), the bare UserPool
 * object, or a CreateUserPool-like object (`PoolName`, `Schema`). Dates printed by the CLI as strings are
 * turned back into epoch seconds.
 */
export function parsePoolJson(json: unknown, fallbackId: string): PoolDescription {
  if (!json || typeof json !== 'object') throw new Error('pool JSON must be an object');
  const raw = ('UserPool' in (json as object) ? (json as any).UserPool : json) as Record<string, any>;
  const pool: PoolDescription = { ...raw } as PoolDescription;
  pool.Id = typeof raw.Id === 'string' && /^[\w-]+_[0-9a-zA-Z]+$/.test(raw.Id) ? raw.Id : fallbackId;
  pool.Name = raw.Name ?? raw.PoolName ?? 'local-pool';
  delete (pool as any).PoolName;
  if (Array.isArray(raw.SchemaAttributes) && raw.SchemaAttributes.length > 0) {
    pool.SchemaAttributes = raw.SchemaAttributes;
  } else {
    pool.SchemaAttributes = mergeSchema(Array.isArray(raw.Schema) ? raw.Schema : []);
    delete (pool as any).Schema;
  }
  if (!Array.isArray(pool.AutoVerifiedAttributes)) pool.AutoVerifiedAttributes = [];
  pool.MfaConfiguration = raw.MfaConfiguration ?? 'OFF';
  for (const f of DATE_FIELDS) {
    if (typeof raw[f] === 'string') { const t = Date.parse(raw[f]); if (!Number.isNaN(t)) (pool as any)[f] = t / 1000; }
  }
  return pool;
}

/** Standard schema plus the attributes of a CreateUserPool `Schema` (custom ones get the `custom:` prefix). */
export function mergeSchema(schema: Array<Partial<SchemaAttribute> & { Name: string }>): SchemaAttribute[] {
  const out = standardSchema();
  for (const a of schema) {
    const std = out.find((s) => s.Name === a.Name);
    if (std) { Object.assign(std, a); continue; }
    const name = a.Name.startsWith('custom:') || a.Name.startsWith('dev:') ? a.Name : `custom:${a.Name}`;
    const type = a.AttributeDataType ?? 'String';
    out.push({
      Name: name,
      AttributeDataType: type,
      DeveloperOnlyAttribute: a.DeveloperOnlyAttribute ?? false,
      Mutable: a.Mutable ?? true,
      Required: false,
      ...(type === 'String' ? { StringAttributeConstraints: { MinLength: '0', MaxLength: '2048', ...a.StringAttributeConstraints } } : {}),
      ...(type === 'Number' ? { NumberAttributeConstraints: { ...a.NumberAttributeConstraints } } : {}),
    });
  }
  return out;
}

/** What GetCSVHeader returns for a pool: the schema's attributes (not sub/identities), then MFA and username. */
export function csvHeader(pool: PoolDescription): string[] {
  const attrs = pool.SchemaAttributes
    .filter((a) => a.Name !== 'sub' && a.Name !== 'identities' && !a.Name.startsWith('dev:') && !a.DeveloperOnlyAttribute)
    .map((a) => a.Name);
  return [...attrs, 'cognito:mfa_enabled', 'cognito:username'];
}

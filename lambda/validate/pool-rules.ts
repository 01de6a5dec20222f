import type { UserPoolType, SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { PasswordHashingAlgorithmValue } from '../shared/env';

/** What one attribute column must satisfy, from the pool's schema. */
export interface AttributeRule {
  readonly column: string;
  readonly type: 'String' | 'Number' | 'DateTime' | 'Boolean';
  readonly required: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minValue?: number;
  readonly maxValue?: number;
}

/** Everything validation needs to know about the live pool, computed once per file. */
export interface PoolRules {
  readonly poolId: string;
  readonly poolName: string;
  /** Columns of the uploaded part, in GetCSVHeader order (+ password_hash when hashes are imported). */
  readonly columns: readonly string[];
  readonly autoVerified: readonly ('email' | 'phone_number')[];
  readonly mfa: 'OFF' | 'ON' | 'OPTIONAL';
  /** `email` and/or `phone_number` when users sign in with them instead of a username. */
  readonly usernameAttributes: readonly string[];
  readonly usernameCaseSensitive: boolean;
  readonly attributes: ReadonlyMap<string, AttributeRule>;
  readonly passwordHashingAlgorithm?: PasswordHashingAlgorithmValue;
}

export const USERNAME_COLUMN = 'cognito:username';
export const MFA_COLUMN = 'cognito:mfa_enabled';
export const PASSWORD_HASH_COLUMN = 'password_hash';
/** Columns whose values are booleans Cognito reads as `true`/`false`. */
export const BOOLEAN_COLUMNS = new Set(['email_verified', 'phone_number_verified', MFA_COLUMN]);

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === null || s === '') return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
};

function ruleFor(attr: SchemaAttributeType): AttributeRule {
  const type = (attr.AttributeDataType ?? 'String') as AttributeRule['type'];
  return {
    column: attr.Name!,
    type,
    required: attr.Required === true,
    minLength: num(attr.StringAttributeConstraints?.MinLength),
    maxLength: num(attr.StringAttributeConstraints?.MaxLength),
    minValue: num(attr.NumberAttributeConstraints?.MinValue),
    maxValue: num(attr.NumberAttributeConstraints?.MaxValue),
  };
}

export function buildPoolRules(
  pool: UserPoolType,
  csvHeader: readonly string[],
  passwordHashingAlgorithm?: PasswordHashingAlgorithmValue,
): PoolRules {
  const attributes = new Map<string, AttributeRule>();
  for (const attr of pool.SchemaAttributes ?? []) {
    if (!attr.Name) continue;
    // Cognito names custom attributes `custom:x` in DescribeUserPool and GetCSVHeader alike.
    attributes.set(attr.Name, ruleFor(attr));
  }
  // password_hash carries hashes only when the job sets an algorithm; without one the validate step takes the
  // file's column out, and it is uploaded (empty) only where GetCSVHeader lists it (undocumented: a header
  // must hold every column GetCSVHeader lists). docs/csv-and-report.md#password-hashes
  const columns = csvHeader.filter((c) => c !== PASSWORD_HASH_COLUMN);
  if (passwordHashingAlgorithm || csvHeader.includes(PASSWORD_HASH_COLUMN)) columns.push(PASSWORD_HASH_COLUMN);
  const mfa = (pool.MfaConfiguration ?? 'OFF') as PoolRules['mfa'];
  return {
    poolId: pool.Id ?? '',
    poolName: pool.Name ?? '',
    columns,
    autoVerified: (pool.AutoVerifiedAttributes ?? []).filter(
      (a): a is 'email' | 'phone_number' => a === 'email' || a === 'phone_number',
    ),
    mfa: mfa === 'ON' || mfa === 'OPTIONAL' ? mfa : 'OFF',
    usernameAttributes: pool.UsernameAttributes ?? [],
    usernameCaseSensitive: pool.UsernameConfiguration?.CaseSensitive !== false,
    attributes,
    passwordHashingAlgorithm,
  };
}


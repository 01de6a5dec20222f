/**
 * The user pool a stack will create, as the local cloud's pool: built from the template's
 * `AWS::Cognito::UserPool` properties (CreateUserPool's shape), so rehearsed imports are validated against
 * the schema (custom attributes with their constraints), auto-verified attributes, MFA and username
 * settings the stack deploys.
 */
import { parsePoolJson, PoolDescription } from '../pool';

/** CloudFormation property names of AWS::Cognito::UserPool that the local pool uses (same names as CreateUserPool's). */
const COPIED = ['AutoVerifiedAttributes', 'MfaConfiguration', 'UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration', 'UserPoolTier', 'EnabledMfas', 'Policies'];

/** The pool for the template's `AWS::Cognito::UserPool` resource `logicalId`; `resolve` resolves intrinsics in its properties. */
export function poolFromTemplate(template: any, logicalId: string, poolId: string, resolve: (v: unknown) => any): PoolDescription {
  const r = template.Resources?.[logicalId];
  if (r?.Type !== 'AWS::Cognito::UserPool') throw new Error(`${logicalId} is not an AWS::Cognito::UserPool of the template`);
  const p = r.Properties ?? {};
  const raw: Record<string, unknown> = { Id: poolId, Name: p.UserPoolName !== undefined ? String(resolve(p.UserPoolName)) : logicalId };
  for (const k of COPIED) if (p[k] !== undefined) raw[k] = resolve(p[k]);
  // CloudFormation's Schema is CreateUserPool's: custom attributes named without the `custom:` prefix,
  // constraints as strings or numbers (the API's are strings).
  raw.Schema = (resolve(p.Schema ?? []) as any[]).map((a) => ({
    ...a,
    ...(a.StringAttributeConstraints ? { StringAttributeConstraints: stringsOf(a.StringAttributeConstraints) } : {}),
    ...(a.NumberAttributeConstraints ? { NumberAttributeConstraints: stringsOf(a.NumberAttributeConstraints) } : {}),
  }));
  return parsePoolJson(raw, poolId);
}

function stringsOf(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** The logical id of the template's user pool a `UserPoolId` property references (`{Ref: id}`), if it is one. */
export function referencedPool(template: any, userPoolId: unknown): string | undefined {
  const ref = userPoolId && typeof userPoolId === 'object' ? (userPoolId as any).Ref : undefined;
  return typeof ref === 'string' && template.Resources?.[ref]?.Type === 'AWS::Cognito::UserPool' ? ref : undefined;
}

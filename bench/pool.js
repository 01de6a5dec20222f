'use strict';
// The user pool the benchmarks validate against: Cognito's standard schema, email auto-verified,
// MFA off, case-insensitive usernames (what DescribeUserPool returns for a default pool), and the
// matching GetCSVHeader columns. Used where the Cognito client is stubbed (item 2) so only the
// engine's own per-row work is timed.
const { HEADER } = require('./gen');

const str = (Name, o = {}) => ({ Name, AttributeDataType: 'String', Mutable: true, Required: false, StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' }, ...o });
const bool = (Name) => ({ Name, AttributeDataType: 'Boolean', Mutable: true, Required: false });

const POOL = {
  Id: 'us-east-1_Bench0001',
  Name: 'bench-pool',
  SchemaAttributes: [
    str('sub', { Mutable: false, Required: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' } }),
    str('name'), str('given_name'), str('family_name'), str('middle_name'), str('nickname'), str('preferred_username'),
    str('profile'), str('picture'), str('website'), str('email'), bool('email_verified'), str('gender'),
    str('birthdate', { StringAttributeConstraints: { MinLength: '10', MaxLength: '10' } }),
    str('zoneinfo'), str('locale'), str('phone_number'), bool('phone_number_verified'), str('address'),
    { Name: 'updated_at', AttributeDataType: 'Number', Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
    { Name: 'identities', AttributeDataType: 'String', Mutable: true, Required: false, StringAttributeConstraints: {} },
  ],
  AutoVerifiedAttributes: ['email'],
  MfaConfiguration: 'OFF',
  UsernameConfiguration: { CaseSensitive: false },
};

/** A stand-in for CognitoIdentityProviderClient answering the two calls validate makes. */
function stubCognito() {
  return {
    async send(cmd) {
      const name = cmd.constructor.name;
      if (name === 'GetCSVHeaderCommand') return { CSVHeader: HEADER.slice(), UserPoolId: POOL.Id };
      if (name === 'DescribeUserPoolCommand') return { UserPool: POOL };
      throw new Error(`bench stub Cognito: ${name} not served`);
    },
  };
}

module.exports = { POOL, stubCognito };

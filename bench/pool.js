'use strict';
// The user pool the benchmarks validate against: Cognito's standard schema, email auto-verified,
// MFA off, case-insensitive usernames (what DescribeUserPool returns for a default pool), and the
// matching GetCSVHeader columns. Used where the Cognito client is stubbed (item 2) so only the
// engine's own per-row work is timed.
const { HEADER } = require('./gen');

// The local cloud's default pool has the same standard schema: one definition for both.
const { standardSchema } = require('../packages/cli/local-cloud/pool.js');

const POOL = {
  Id: 'us-east-1_Bench0001',
  Name: 'bench-pool',
  SchemaAttributes: standardSchema(),
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

#!/usr/bin/env node
'use strict';
// The synth baseline: the example app's user pool (same settings as example/example-stack.ts)
// without the importer, so `cdk synth` time and template size can be compared with and without it.
const { App, RemovalPolicy, Stack } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');

const app = new App();
const stack = new Stack(app, 'CognitoUserImportExample');
new cognito.UserPool(stack, 'Users', {
  signInAliases: { email: true },
  autoVerify: { email: true },
  mfa: cognito.Mfa.OPTIONAL,
  mfaSecondFactor: { sms: false, otp: true },
  passwordPolicy: { minLength: 12, requireSymbols: true, requireDigits: true, requireLowercase: true, requireUppercase: true },
  featurePlan: cognito.FeaturePlan.PLUS,
  standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
  removalPolicy: RemovalPolicy.RETAIN,
});
app.synth();

#!/usr/bin/env node
'use strict';
// The synth baseline: the example app's user pool (example/example-pool.ts)
// without the importer, so `cdk synth` time and template size can be compared with and without it.
const { App, Stack } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
// Compiled by `npm run build` (tsc) beside example/example-pool.ts.
const { EXAMPLE_POOL_PROPS } = require('../example/example-pool.js');

const app = new App();
const stack = new Stack(app, 'CognitoUserImportExample');
new cognito.UserPool(stack, 'Users', EXAMPLE_POOL_PROPS);
app.synth();

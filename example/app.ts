#!/usr/bin/env node
// The example app `cdk synth` runs: a user pool and an importer with a server-access-logged bucket,
// and an alarm-ready rule for failed imports.
import { App } from 'aws-cdk-lib';
import { ExampleStack } from './example-stack';

const app = new App();
new ExampleStack(app, 'CognitoUserImportExample');
app.synth();

// Integration test: the importer on a fresh pool, with an assertion that a dropped CSV ends in a
// report. Its synthesized snapshot is committed beside it and checked offline by `integ-runner`.
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import { CognitoUserImport } from '../lib';

const app = new App();
const stack = new Stack(app, 'CognitoUserImportInteg');
const userPool = new cognito.UserPool(stack, 'Pool', {
  signInAliases: { email: true },
  autoVerify: { email: true },
  removalPolicy: RemovalPolicy.DESTROY,
});
const importer = new CognitoUserImport(stack, 'Import', { userPool, removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'CognitoUserImportIntegTest', { testCases: [stack] });
// Drop a CSV and expect its report to say Succeeded.
integ.assertions
  .awsApiCall('S3', 'putObject', {
    Bucket: importer.bucket.bucketName,
    Key: 'incoming/integ.csv',
    Body: 'cognito:username,email,email_verified\nintegUser1,integ1@example.com,true\n',
  })
  .next(
    integ.assertions
      .awsApiCall('S3', 'getObject', { Bucket: importer.bucket.bucketName, Key: 'reports/incoming/integ.csv.json' })
      .expect(ExpectedResult.objectLike({ Body: Match.stringLikeRegexp('"status":"Succeeded"') }))
      .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) }),
  );
app.synth();

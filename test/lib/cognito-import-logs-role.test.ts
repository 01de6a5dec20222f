import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CognitoImportLogsRole } from '../../lib';

const env = { account: '111122223333', region: 'eu-west-1' };

function synth(build: (stack: Stack) => void): Template {
  const stack = new Stack(new App(), 'S', { env });
  build(stack);
  return Template.fromStack(stack);
}

test('trusts cognito-idp.amazonaws.com with no conditions by default', () => {
  const t = synth((s) => new CognitoImportLogsRole(s, 'R'));
  t.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cognito-idp.amazonaws.com' } }],
    },
  });
});

test('allows only the four log actions, scoped to the pool log group when the pool is known', () => {
  const t = synth((s) => new CognitoImportLogsRole(s, 'R', { userPool: cognito.UserPool.fromUserPoolId(s, 'P', 'eu-west-1_abc') }));
  t.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [{
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:/aws/cognito/userpools/eu-west-1_abc/*']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:/aws/cognito/userpools/eu-west-1_abc/*:log-stream:*']] },
        ],
      }],
    },
  });
});

test('without a pool, the role covers every pool log group of the account (shareable)', () => {
  const t = synth((s) => new CognitoImportLogsRole(s, 'R'));
  const json = JSON.stringify(t.findResources('AWS::IAM::Policy'));
  expect(json).toContain('log-group:/aws/cognito/userpools/*/*');
  expect(json).not.toContain('"*"');
});

test('optional aws:SourceAccount and aws:SourceArn trust conditions', () => {
  const t = synth((s) => {
    const pool = new cognito.UserPool(s, 'Pool');
    new CognitoImportLogsRole(s, 'R', { userPool: pool, restrictToSourceAccount: true, restrictToSourceArn: true });
  });
  t.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('Pool'), 'Arn'] } },
        },
      })],
    },
  });
});

test('restrictToSourceArn without a pool says what to do', () => {
  expect(() => synth((s) => new CognitoImportLogsRole(s, 'R', { restrictToSourceArn: true })))
    .toThrow('restrictToSourceArn needs userPool');
});

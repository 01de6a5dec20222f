/**
 * `vpc`, `vpcSubnets` and `securityGroups` on CognitoUserImport and UserImportDeployment: every
 * function either creates (the Provider framework's included) runs in the VPC, with the subnets and
 * security groups given, and its role holds what Lambda needs to attach it; props that cannot take
 * effect fail the synth with a message that says what to do.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CognitoUserImport, ImportSource, UserImportDeployment, UserImportDeploymentProps } from '../../lib';

const CSV = path.join(__dirname, '..', '..', 'example', 'seed-users.csv');
const env = { account: '111122223333', region: 'eu-west-1' };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Vpc', { env });
  const vpc = new ec2.Vpc(stack, 'Network', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const pool = new cognito.UserPool(stack, 'Users');
  return { stack, vpc, pool };
}

/** Every AWS::Lambda::Function of the template, by logical id. */
const functions = (t: Template) => t.findResources('AWS::Lambda::Function');

/** The ids of the subnets of one subnet group, as the template references them. */
const subnetRefs = (stack: Stack, vpc: ec2.IVpc, group: string) =>
  vpc.selectSubnets({ subnetGroupName: group }).subnetIds.map((id) => stack.resolve(id));

describe('an importer and its deployment in a VPC', () => {
  const { stack, vpc, pool } = setup();
  const sg = new ec2.SecurityGroup(stack, 'Egress', { vpc, allowAllOutbound: false });
  const importer = new CognitoUserImport(stack, 'Import', {
    userPool: pool, vpc, vpcSubnets: { subnetGroupName: 'app' }, securityGroups: [sg],
  });
  new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  const template = Template.fromStack(stack);
  const all = functions(template);

  test('every function the constructs create (importer, deployment handlers, Provider framework) is in the VPC', () => {
    // Worker, import, onEvent, isComplete, and the framework's onEvent, isComplete, onTimeout.
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(7);
    for (const [id, fn] of Object.entries(all)) {
      if (/BucketNotificationsHandler/.test(id)) continue; // aws-cdk-lib's singleton: not created with these props
      expect([id, fn.Properties.VpcConfig]).toEqual([id, {
        SubnetIds: subnetRefs(stack, vpc, 'app'),
        SecurityGroupIds: [stack.resolve(sg.securityGroupId)],
      }]);
    }
  });

  test('the deployment uses the importer\'s network when it names none', () => {
    expect(importer.network.vpc).toBe(vpc);
  });

  test('each function role may attach the function to the VPC (inline, no AWS managed policy)', () => {
    const roles = new Set(Object.values(all).filter((f) => f.Properties.VpcConfig).map((f) => JSON.stringify(f.Properties.Role)));
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AttachToVpc', Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']) })]) } },
    });
    const attached = new Set(Object.values(policies).flatMap((p) => p.Properties.Roles.map((r: unknown) => JSON.stringify({ 'Fn::GetAtt': [(r as { Ref: string }).Ref, 'Arn'] }))));
    for (const role of roles) expect(attached).toContain(role);
    for (const r of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(JSON.stringify(r.Properties.ManagedPolicyArns ?? [])).not.toContain('AWSLambdaVPCAccessExecutionRole');
    }
  });
});

test('without securityGroups each function gets its own security group in the VPC', () => {
  const { stack, vpc, pool } = setup();
  new CognitoUserImport(stack, 'Import', { userPool: pool, vpc });
  const template = Template.fromStack(stack);
  const inVpc = Object.entries(functions(template)).filter(([id]) => !/BucketNotificationsHandler/.test(id));
  expect(inVpc).toHaveLength(2);
  for (const [, fn] of inVpc) {
    expect(fn.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
    // aws-cdk-lib's default for Lambda: the VPC's private subnets (here every isolated one).
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(stack.resolve(vpc.isolatedSubnets.map((s) => s.subnetId)));
  }
  const groups = inVpc.map(([, fn]) => JSON.stringify(fn.Properties.VpcConfig.SecurityGroupIds));
  expect(new Set(groups).size).toBe(2);
});

test('a deployment may name its own network (its functions and the framework\'s follow it, not the importer\'s)', () => {
  const { stack, vpc, pool } = setup();
  const importer = new CognitoUserImport(stack, 'Import', { userPool: pool, vpc, vpcSubnets: { subnetGroupName: 'app' } });
  new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV), vpc, vpcSubnets: { subnetGroupName: 'data' } });
  const all = functions(Template.fromStack(stack));
  const seed = Object.entries(all).filter(([id]) => id.startsWith('Seed'));
  expect(seed.length).toBe(5);
  for (const [, fn] of seed) expect(fn.Properties.VpcConfig.SubnetIds).toEqual(subnetRefs(stack, vpc, 'data'));
  for (const [, fn] of Object.entries(all).filter(([id]) => id.startsWith('Import'))) {
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(subnetRefs(stack, vpc, 'app'));
  }
});

test('without vpc no function is in a VPC and no role holds the network-interface actions', () => {
  const { stack, pool } = setup();
  const importer = new CognitoUserImport(stack, 'Import', { userPool: pool });
  new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  const template = Template.fromStack(stack);
  for (const fn of Object.values(functions(template))) expect(fn.Properties.VpcConfig).toBeUndefined();
  expect(JSON.stringify(template.toJSON())).not.toContain('ec2:CreateNetworkInterface');
});

describe('props that cannot take effect are refused', () => {
  test.each([
    ['vpcSubnets without vpc', (vpc: ec2.IVpc) => ({ vpcSubnets: { subnets: vpc.isolatedSubnets } }), /CognitoUserImport: vpcSubnets needs vpc/],
    ['securityGroups without vpc', (vpc: ec2.IVpc, stack: Stack) => ({ securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })] }), /CognitoUserImport: securityGroups needs vpc/],
    ['an empty securityGroups list', (vpc: ec2.IVpc) => ({ vpc, securityGroups: [] }), /CognitoUserImport: securityGroups must not be empty/],
  ])('importer: %s', (_name, extra, message) => {
    const { stack, vpc, pool } = setup();
    expect(() => new CognitoUserImport(stack, 'Import', { userPool: pool, ...extra(vpc, stack) })).toThrow(message);
  });

  test.each([
    ['vpcSubnets without vpc', (vpc: ec2.IVpc) => ({ vpcSubnets: { subnets: vpc.isolatedSubnets } }), /UserImportDeployment: vpcSubnets needs vpc/],
    ['an empty securityGroups list', (vpc: ec2.IVpc) => ({ vpc, securityGroups: [] }), /UserImportDeployment: securityGroups must not be empty/],
  ])('deployment: %s', (_name, extra, message) => {
    const { stack, vpc, pool } = setup();
    const importer = new CognitoUserImport(stack, 'Import', { userPool: pool });
    const props: UserImportDeploymentProps = { importer, source: ImportSource.fromAsset(CSV), ...extra(vpc) };
    expect(() => new UserImportDeployment(stack, 'Seed', props)).toThrow(message);
  });
});

import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ValidationError } from './errors';
import type { FunctionNetworkProps } from '../network';

/** Refuses network props that cannot take effect, naming the construct and the fix. */
export function validateNetwork(scope: Construct, owner: string, network: FunctionNetworkProps): void {
  if (network.vpc) {
    if (network.securityGroups && network.securityGroups.length === 0) {
      throw new ValidationError(`${owner}: securityGroups must not be empty; leave it unset for a new security group per function, or list at least one.`, scope);
    }
    return;
  }
  for (const name of ['vpcSubnets', 'securityGroups'] as const) {
    if (network[name] !== undefined) {
      throw new ValidationError(`${owner}: ${name} needs vpc (the VPC the functions run in); pass vpc too, or drop ${name}.`, scope);
    }
  }
}

/** The network props a Lambda function or the Provider framework takes (nothing when there is no VPC). */
export function functionNetwork(network: FunctionNetworkProps | undefined): FunctionNetworkProps {
  if (!network?.vpc) return {};
  return { vpc: network.vpc, vpcSubnets: network.vpcSubnets, securityGroups: network.securityGroups };
}

/**
 * What Lambda needs on a function's own role to attach it to a VPC: the actions of AWS's
 * AWSLambdaVPCAccessExecutionRole, inline (aws-cdk-lib adds that managed policy only to roles it
 * creates). EC2's network-interface actions take no resource-level scoping Lambda can use: `*`.
 */
export function allowVpcAccess(role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'AttachToVpc',
    actions: [
      'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  }));
}

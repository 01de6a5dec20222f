import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Where the library's Lambda functions run. Unset, they run in Lambda's own network and reach AWS
 * APIs over the internet (TLS, IAM auth). Set `vpc` where policy requires functions inside a VPC
 * (AWS Control Tower's CT.LAMBDA.PR.3): the subnets then need a route to every AWS API the
 * functions call, through VPC endpoints or a NAT gateway (docs/security.md lists the endpoints).
 */
export interface FunctionNetworkProps {
  /**
   * The VPC every function of this construct runs in.
   *
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` the functions use. Needs `vpc`.
   *
   * @default - the VPC's private subnets (aws-cdk-lib's default for Lambda)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the functions (they only open outbound HTTPS connections). Needs `vpc`.
   *
   * @default - each function gets a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

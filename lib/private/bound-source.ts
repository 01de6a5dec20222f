import * as iam from 'aws-cdk-lib/aws-iam';

/** The CSV object a `UserImportDeployment` imports, once its source is bound to the deployment. */
export interface BoundImportSource {
  readonly bucketName: string;
  readonly objectKey: string;
  /** The asset hash of a local file; empty for an existing object (its ETag is read at deploy time). */
  readonly hash: string;
  /** Lets `grantee` read exactly this object (and decrypt it through S3, if its bucket has a key). */
  grantRead(grantee: iam.IGrantable): void;
}

/** s3:GetObject on one object: enough for HeadObject and to be a CopyObject source (tags are not copied). */
export function readObject(grantee: iam.IGrantable, objectArn: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [objectArn] });
}

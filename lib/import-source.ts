import * as fs from 'fs';
import { Arn, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { BoundImportSource, readObject } from './private/bound-source';
import { grantKeyVia } from './private/encryption';
import { ValidationError } from './private/errors';

/** The CSV file a `UserImportDeployment` imports: a local file bundled as an asset, or an existing S3 object. */
export abstract class ImportSource {
  /**
   * A local CSV file, uploaded as an asset. Its content hash decides whether an update imports again.
   *
   * @param path the CSV file's path (a relative path is resolved from the current directory)
   * @returns the source, for `UserImportDeploymentProps.source`
   */
  public static fromAsset(path: string): ImportSource {
    return new AssetSource(path);
  }

  /**
   * An existing CSV object. It is read when the resource is created or updated: to import a changed
   * object, change `key` (e.g. a dated key) so CloudFormation sees an update.
   *
   * @param bucket the object's bucket (its encryption key, if any, is included in the grant)
   * @param key the object's key, as S3 shows it (no leading `/`)
   * @returns the source, for `UserImportDeploymentProps.source`
   */
  public static fromBucket(bucket: s3.IBucket, key: string): ImportSource {
    return new ObjectSource(bucket, key);
  }

  /**
   * The object for the deployment `scope`.
   *
   * @internal
   */
  public abstract _bind(scope: Construct): BoundImportSource;
}

class AssetSource extends ImportSource {
  constructor(private readonly path: string) {
    super();
  }

  public _bind(scope: Construct): BoundImportSource {
    let stat: fs.Stats | undefined;
    try { stat = fs.statSync(this.path); } catch { stat = undefined; }
    if (!stat || !stat.isFile()) {
      throw new ValidationError(`ImportSource.fromAsset: '${this.path}' is not a file; give the path of a CSV file (relative paths are resolved from the current directory).`, scope);
    }
    const asset = new s3assets.Asset(scope, 'Csv', { path: this.path });
    // Exactly the one object (asset.grantRead would add s3:GetObject*, s3:List* and s3:GetBucket* on the bucket).
    const objectArn = Arn.format({ service: 's3', region: '', account: '', resource: asset.s3BucketName, resourceName: asset.s3ObjectKey }, Stack.of(scope));
    return {
      bucketName: asset.s3BucketName,
      objectKey: asset.s3ObjectKey,
      hash: asset.assetHash,
      grantRead: (grantee) => readObject(grantee, objectArn),
    };
  }
}

class ObjectSource extends ImportSource {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
  }

  public _bind(scope: Construct): BoundImportSource {
    const key = this.key;
    if (!Token.isUnresolved(key) && (key === '' || key.startsWith('/'))) {
      throw new ValidationError(`ImportSource.fromBucket: key '${key}' must be an object key as S3 shows it: not empty, no leading '/'.`, scope);
    }
    const bucket = this.bucket;
    return {
      bucketName: bucket.bucketName,
      objectKey: key,
      hash: '',
      grantRead: (grantee) => {
        readObject(grantee, bucket.arnForObjects(key));
        if (bucket.encryptionKey) grantKeyVia(bucket.encryptionKey, grantee, 's3', ['kms:Decrypt']);
      },
    };
  }
}

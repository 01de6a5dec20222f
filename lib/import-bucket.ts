import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { IMPORT_BUCKET_DEFAULTS } from './private/defaults';
import { BoundImportBucket, createDropBucket, DropBucketContext, localBucketReference } from './private/drop-bucket';
import { ValidationError } from './private/errors';

/** Options of the bucket an importer creates, for {@link ImportBucket.create}. */
export interface ImportBucketOptions {
  /**
   * How long every copy of users' rows is kept in the bucket: dropped CSVs, work files and the
   * failed rows next to the reports (`.failed.csv`, tagged `cognito-user-import:contents=user-rows`),
   * old versions included (noncurrent versions expire one day after they are replaced).
   * Reports hold usernames, line numbers and messages only and are kept. A whole number of days, at least 1.
   *
   * @default Duration.days(30)
   */
  readonly dataRetention?: Duration;

  /**
   * Where the bucket writes its server access logs (under `cognito-user-import/`).
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The bucket of a `CognitoUserImport`: operators drop CSV files into it and the reports are written
 * to it. Either a new one the importer creates and configures ({@link ImportBucket.create}), or one
 * you made and configure yourself ({@link ImportBucket.fromBucket}).
 */
export abstract class ImportBucket {
  /**
   * A new private bucket made by the importer: all public access blocked, TLS only, encrypted (with
   * the importer's `encryptionKey` if it has one), versioned, dropped files and work files expiring
   * after `dataRetention`, removed with the importer's `removalPolicy`.
   *
   * @param options retention and server access logs of the new bucket
   * @returns the bucket choice, for `CognitoUserImportProps.bucket`
   */
  public static create(options: ImportBucketOptions = {}): ImportBucket {
    return new CreatedBucket(options);
  }

  /**
   * A bucket you made and configure yourself (encryption, lifecycle, access logs). A bucket from
   * another stack works; its encryption key (if any) is included in every grant.
   *
   * @param bucket the bucket to drop CSV files into
   * @returns the bucket choice, for `CognitoUserImportProps.bucket`
   */
  public static fromBucket(bucket: s3.IBucket): ImportBucket {
    return new GivenBucket(bucket);
  }

  /**
   * The bucket for the importer `scope`.
   *
   * @internal
   */
  public abstract _bind(scope: Construct, context: DropBucketContext): BoundImportBucket;
}

class CreatedBucket extends ImportBucket {
  constructor(private readonly options: ImportBucketOptions) {
    super();
  }

  public _bind(scope: Construct, context: DropBucketContext): BoundImportBucket {
    const dataRetention = this.options.dataRetention ?? IMPORT_BUCKET_DEFAULTS.dataRetention;
    const days = dataRetention.toDays({ integral: false });
    if (days < 1 || !Number.isInteger(days)) {
      throw new ValidationError('ImportBucket.create: dataRetention must be a whole number of days, at least 1 (S3 lifecycle rules count in days).', scope);
    }
    const serverAccessLogsBucket = this.options.serverAccessLogsBucket;
    return {
      bucket: createDropBucket(scope, { ...context, dataRetention, serverAccessLogsBucket }),
      created: true,
      accessLogged: serverAccessLogsBucket !== undefined,
    };
  }
}

class GivenBucket extends ImportBucket {
  constructor(private readonly bucket: s3.IBucket) {
    super();
  }

  public _bind(scope: Construct): BoundImportBucket {
    return { bucket: localBucketReference(scope, this.bucket), created: false, accessLogged: false };
  }
}

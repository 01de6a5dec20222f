/**
 * A consumer-style CDK app for the deploy-time tests: a user pool with custom attributes (with
 * constraints), a CognitoUserImport, and UserImportDeployments seeding it, synthesized in-process into a
 * cloud assembly exactly as `cdk synth` writes one (assets staged as `asset.<hash>` folders).
 */
import { mkdirSync } from 'fs';
import { join } from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CognitoUserImport, UserImportDeployment, UserImportDeploymentProps } from '../../lib';
import { readStacks, StackArtifact } from '../../packages/cli/local-cloud/rehearse/assembly';

export const STACK_NAME = 'SeedApp';
export const CSV_HEADER = 'cognito:username,email,email_verified,custom:tier,custom:seats';

export type SeedProps = Omit<UserImportDeploymentProps, 'importer' | 'timeout' | 'queryInterval'> & { timeoutSeconds?: number; queryIntervalSeconds?: number };

/** The consumer's pool: email auto-verified, MFA off, two custom attributes with constraints. */
export function consumerPool(stack: Stack): cognito.UserPool {
  return new cognito.UserPool(stack, 'Users', {
    autoVerify: { email: true },
    standardAttributes: { email: { required: true, mutable: true } },
    customAttributes: {
      tier: new cognito.StringAttribute({ minLen: 1, maxLen: 8, mutable: true }),
      seats: new cognito.NumberAttribute({ min: 1, max: 100, mutable: true }),
    },
  });
}

/** Synthesizes the app with one deployment per entry of `seeds` (construct id → props) into `outdir`. */
export function synthConsumerApp(outdir: string, seeds: Record<string, SeedProps>, env?: { account: string; region: string }): StackArtifact {
  mkdirSync(outdir, { recursive: true });
  // What `cdk synth` turns on: construct paths and asset paths in the template's metadata.
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, STACK_NAME, env ? { env } : {});
  const importer = new CognitoUserImport(stack, 'Import', { userPool: consumerPool(stack) });
  for (const [id, { timeoutSeconds, queryIntervalSeconds, ...props }] of Object.entries(seeds)) {
    new UserImportDeployment(stack, id, {
      importer, ...props,
      ...(timeoutSeconds !== undefined ? { timeout: Duration.seconds(timeoutSeconds) } : {}),
      ...(queryIntervalSeconds !== undefined ? { queryInterval: Duration.seconds(queryIntervalSeconds) } : {}),
    });
  }
  app.synth();
  return readStacks(outdir)[0];
}

/** The logical id of the deployment with construct id `id`. */
export function logicalIdOf(stack: StackArtifact, id: string): string {
  const found = Object.entries<any>(stack.template.Resources).find(([, r]) => r.Type === 'Custom::CognitoUserImport' && r.Metadata?.['aws:cdk:path'] === `${STACK_NAME}/${id}/Resource/Default`);
  if (!found) throw new Error(`no deployment ${id}`);
  return found[0];
}

export const csvPath = (dir: string, name: string) => join(dir, name);

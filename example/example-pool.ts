import { RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/** The example app's user pool settings (also the benchmarks' synth baseline: the same pool without the importer). */
export const EXAMPLE_POOL_PROPS: cognito.UserPoolProps = {
  signInAliases: { email: true },
  autoVerify: { email: true },
  mfa: cognito.Mfa.OPTIONAL,
  mfaSecondFactor: { sms: false, otp: true },
  passwordPolicy: { minLength: 12, requireSymbols: true, requireDigits: true, requireLowercase: true, requireUppercase: true },
  featurePlan: cognito.FeaturePlan.PLUS,
  standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
  removalPolicy: RemovalPolicy.RETAIN,
};

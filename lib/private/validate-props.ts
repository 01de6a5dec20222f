import { Duration, Token } from 'aws-cdk-lib';
import { DEFAULT_MAX_ROWS_PER_PART } from '../../lambda/shared/limits';
import type { Construct } from 'constructs';
import type { CognitoUserImportProps } from '../cognito-user-import-props';
import { IMPORTER_DEFAULTS } from './defaults';
import { ValidationError } from './errors';
import { validateNetwork } from './network';
import { validateGroupsColumn } from './user-sync-props';

/** Checks the props before anything is created, so that a mistake fails the synth with a message that says what to do. */
export function validateProps(scope: Construct, props: CognitoUserImportProps): void {
  validateGroupsColumn(scope, props.groupsColumn);
  validateNetwork(scope, 'CognitoUserImport', props);
  const prefixes: Array<[string, string | undefined]> = [
    ['incomingPrefix', props.incomingPrefix],
    ['reportPrefix', props.reportPrefix],
    ['workPrefix', props.workPrefix],
  ];
  for (const [name, value] of prefixes) {
    if (value === undefined || Token.isUnresolved(value)) continue;
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(value)) {
      throw new ValidationError(`CognitoUserImport: ${name} '${value}' must be a key prefix like 'incoming/': safe characters, no leading '/', ending with '/'.`, scope);
    }
  }
  const incoming = props.incomingPrefix ?? IMPORTER_DEFAULTS.incomingPrefix;
  const others = [props.reportPrefix ?? IMPORTER_DEFAULTS.reportPrefix, props.workPrefix ?? IMPORTER_DEFAULTS.workPrefix];
  for (const other of others) {
    if (other.startsWith(incoming) || incoming.startsWith(other)) {
      throw new ValidationError(`CognitoUserImport: incomingPrefix '${incoming}' and '${other}' overlap; reports and work files written there would trigger imports. Use separate prefixes.`, scope);
    }
  }
  if (props.suffix !== undefined && props.suffix.length === 0) {
    throw new ValidationError("CognitoUserImport: suffix must not be empty; use '.csv' (the default) or another file ending.", scope);
  }
  if (props.maxUsersPerJob !== undefined && (!Number.isInteger(props.maxUsersPerJob) || props.maxUsersPerJob < 1 || props.maxUsersPerJob > DEFAULT_MAX_ROWS_PER_PART)) {
    throw new ValidationError(`CognitoUserImport: maxUsersPerJob must be a whole number from 1 to 500000 (Cognito's limit per job); got ${props.maxUsersPerJob}.`, scope);
  }
  const maxWait = props.maxWaitForActiveJob;
  if (maxWait && (maxWait.toSeconds() < 60 || maxWait.toSeconds() > Duration.hours(23).toSeconds())) {
    throw new ValidationError('CognitoUserImport: maxWaitForActiveJob must be between 1 minute and 23 hours (a created job expires if not started within 24 hours).', scope);
  }
  const poll = props.maxPollInterval;
  if (poll && (poll.toSeconds() < 5 || poll.toSeconds() > 3600)) {
    throw new ValidationError('CognitoUserImport: maxPollInterval must be between 5 seconds and 1 hour.', scope);
  }
  if (props.memorySize !== undefined && (props.memorySize < 256 || props.memorySize > 10240)) {
    throw new ValidationError(`CognitoUserImport: memorySize must be between 256 and 10240 MB; got ${props.memorySize}.`, scope);
  }
  const maxFile = props.maxFileSize;
  if (maxFile && !Token.isUnresolved(maxFile.toBytes()) && maxFile.toBytes() < 1) {
    throw new ValidationError('CognitoUserImport: maxFileSize must be at least 1 byte (e.g. Size.mebibytes(100)).', scope);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    throw new ValidationError(`CognitoUserImport: reservedConcurrentExecutions must be a whole number, at least 1; got ${reserved}.`, scope);
  }
}

/**
 * Cognito's error types, one class per `__type` the emulation answers with, so an operation reads
 * `throw new InvalidParameterException(...)` and the wire shape stays in one place (`AwsError`).
 */
import { AwsError } from '../util';

export class InvalidParameterException extends AwsError {
  constructor(message: string) { super('InvalidParameterException', message); }
}
export class ResourceNotFoundException extends AwsError {
  constructor(message: string) { super('ResourceNotFoundException', message); }
}
export class PreconditionNotMetException extends AwsError {
  constructor(message: string) { super('PreconditionNotMetException', message); }
}
export class LimitExceededException extends AwsError {
  constructor(message: string) { super('LimitExceededException', message); }
}
export class OperationNotEnabledException extends AwsError {
  constructor(message: string) { super('OperationNotEnabledException', message); }
}
export class UserImportInProgressException extends AwsError {
  constructor(message: string) { super('UserImportInProgressException', message); }
}
export class UserNotFoundException extends AwsError {
  constructor(message = 'User does not exist.') { super('UserNotFoundException', message); }
}
export class UsernameExistsException extends AwsError {
  constructor(message = 'User account already exists') { super('UsernameExistsException', message); }
}
export class TooManyRequestsException extends AwsError {
  constructor(message = 'Rate exceeded') { super('TooManyRequestsException', message); }
}
export class UnknownOperationException extends AwsError {
  constructor(operation: string) { super('UnknownOperationException', `Operation ${operation} is not supported by the local cloud.`); }
}

/** The message AWS's request validation gives for a member that breaks a constraint. */
export function validationError(member: string, constraint: string, value?: unknown): InvalidParameterException {
  const v = value === undefined ? '' : value === null ? ' null' : ` '${String(value).slice(0, 10)}'`;
  return new InvalidParameterException(`1 validation error detected: Value${v} at '${member}' failed to satisfy constraint: ${constraint}`);
}

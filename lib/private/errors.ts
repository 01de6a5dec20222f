import type { IConstruct } from 'constructs';

// aws-cdk-lib marks its own ValidationError @internal, but recognises one by these global symbols
// (`Errors.isValidationError(err)` is public). Carrying them makes ours read like the CDK's own.
const CONSTRUCT_ERROR = Symbol.for('@aws-cdk/core.SynthesisError');
const VALIDATION_ERROR = Symbol.for('@aws-cdk/core.ValidationError');

/**
 * A construct's props (or other input) break its rules: thrown from the constructor, carrying the
 * path of the construct that refused them, so the user sees where the mistake is. The message says
 * what to do.
 */
export class ValidationError extends Error {
  /** The path of the construct that threw, e.g. `MyStack/Import`. */
  public readonly constructPath: string;

  constructor(message: string, scope: IConstruct) {
    super(message);
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
    Object.defineProperty(this, CONSTRUCT_ERROR, { value: true });
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

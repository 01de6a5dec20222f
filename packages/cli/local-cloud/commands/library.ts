/**
 * The library's shared facts (lambda/shared/: defaults, report keys, queue table) as the engine uses
 * them: from the installed `cdk-cognito-user-import` package, or, inside its own repository (where
 * the library is the workspace root and so not in node_modules), the root's built `lambda/shared/`.
 * Loaded when a command runs, so the CLI's other commands never need the library.
 */
import { join } from 'node:path';

export function librarySharedModule<T>(name: string): T {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return require(`cdk-cognito-user-import/lambda/shared/${name}`);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes("'cdk-cognito-user-import/");
    if (!missing) throw e;
    return require(join(__dirname, '..', '..', '..', '..', 'lambda', 'shared', name));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

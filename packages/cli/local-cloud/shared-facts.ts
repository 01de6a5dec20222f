/**
 * The facts the construct library, its handlers and this CLI share (`lambda/shared/` of
 * `cdk-cognito-user-import`: queue table keys, defaults, report keys): read from the installed package, or, inside
 * its own repository (where the library is the workspace root and so not in node_modules), from the
 * root's built `lambda/shared/`. Loaded on first use, so commands that need none never load the library.
 * The Cognito emulator never reads these: it keeps its own reading of AWS's documentation.
 */
import { join } from 'node:path';
import type * as DefaultsModule from '../../../lambda/shared/defaults';
import type * as QueueTableModule from '../../../lambda/shared/queue-table';
import type * as ReportKeysModule from '../../../lambda/shared/report-keys';

interface SharedModules {
  'defaults': typeof DefaultsModule;
  'queue-table': typeof QueueTableModule;
  'report-keys': typeof ReportKeysModule;
}

export function sharedFacts<K extends keyof SharedModules>(name: K): SharedModules[K] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return require(`cdk-cognito-user-import/lambda/shared/${name}`);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes("'cdk-cognito-user-import/");
    if (!missing) throw e;
    return require(join(__dirname, '..', '..', '..', 'lambda', 'shared', name));
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The Cognito emulation lives in `./cognito/` (one file per purpose); this keeps `./cognito` imports working. */
export * from './cognito/index';

export * from './cognito-import-logs-role';
export * from './cognito-import-queue';
export * from './cognito-user-import';
export * from './cognito-user-import-props';
export * from './options';
export * from './events';
export * from './user-import-deployment';

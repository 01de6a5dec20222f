export * from './cognito-import-logs-role';
export * from './cognito-user-import';
export * from './options';
export { EVENT_SOURCE, EVENT_DETAIL_TYPE } from '../lambda/shared/contract';
export * from './user-import-deployment';

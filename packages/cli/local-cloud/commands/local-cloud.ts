/** `local-cloud`: serve the local cloud until SIGINT/SIGTERM. */
import { DEFAULT_PORT, startLocalCloud, TOKEN_HEADER } from '../index';
import { Command, ExitCode } from './command';
import { BEHAVIOUR_OPTION, cloudOptions, POOL_OPTION, PORT_OPTION, VERBOSE_OPTION } from './common-options';
import { err, watchProgress } from './progress';
import { USER_SYNC_OPTIONS } from './user-sync-options';

export const localCloudCommand: Command = {
  name: 'local-cloud',
  summary: 'serve S3, Cognito, Logs, Step Functions and EventBridge on one loopback port until Ctrl-C',
  description: [
    'Starts the local cloud on 127.0.0.1 and keeps it running: a drop bucket wired to the real bundled handlers and',
    'the real synthesized workflow, and a user pool. Point any AWS client at the printed endpoint (any credentials',
    'are accepted) and copy CSVs under the incoming prefix; reports appear under the report prefix.',
  ].join('\n'),
  options: { '--port': { ...PORT_OPTION, description: `${PORT_OPTION.description}; default ${DEFAULT_PORT}` }, '--pool': POOL_OPTION, '--behaviour': BEHAVIOUR_OPTION, ...USER_SYNC_OPTIONS, '--verbose': VERBOSE_OPTION },
  examples: [
    { command: 'cognito-user-import local-cloud', comment: `serve on port ${DEFAULT_PORT} with the default pool` },
    { command: 'cognito-user-import local-cloud --port 0 --pool pool.json', comment: 'any free port, your pool (aws cognito-idp describe-user-pool --user-pool-id ID > pool.json)' },
  ],
  async run(args) {
    const cloud = await startLocalCloud(cloudOptions(args, (args.options['--port'] as number | undefined) ?? DEFAULT_PORT));
    watchProgress(cloud, () => 'import');
    const out = (s: string) => process.stdout.write(s);
    out('Local cloud running (S3, Cognito, CloudWatch Logs, Step Functions, EventBridge)\n');
    out(`Endpoint:   ${cloud.endpoint}\n`);
    out(`User pool:  ${cloud.poolId} (${cloud.poolName})\n`);
    out(`Bucket:     ${cloud.bucket} (drop CSVs under ${cloud.incomingPrefix}, reports under ${cloud.reportPrefix})\n`);
    out(`Token:      ${cloud.adminToken} (for /_local/*: header ${TOKEN_HEADER}; only 127.0.0.1, localhost and [::1] on this port are answered)\n`);
    out(`\n  export AWS_ENDPOINT_URL=${cloud.endpoint} AWS_REGION=${cloud.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n`);
    out(`  aws s3 cp users.csv s3://${cloud.bucket}/${cloud.incomingPrefix}users.csv --endpoint-url ${cloud.endpoint}\n\nAny credentials are accepted. Ctrl-C stops.\n`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        err(`\n${sig}: stopping the local cloud`);
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        void cloud.stop().then(resolve, resolve);
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    return ExitCode.OK;
  },
};

import { execFile } from 'child_process';
import { LocalCloud } from '../../packages/cli/local-cloud';

/** Runs a command without blocking the event loop (the local cloud runs in this process). */
export function run(cloud: LocalCloud, file: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME, PYENV_ROOT: process.env.PYENV_ROOT, PYENV_VERSION: process.env.PYENV_VERSION,
      LANG: 'C.UTF-8',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLELOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret', AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '',
      LOCAL_ENDPOINT: cloud.endpoint, LOCAL_POOL_ID: cloud.poolId,
    };
    const child = execFile(file, args, { env, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

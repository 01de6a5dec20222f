// The `cognito-user-import` command as users run it (compiled: needs `npm run build`).
import { spawn } from 'child_process';
import { join } from 'path';

export const CLI_BIN = join(__dirname, '..', 'packages', 'cli', 'bin', 'cognito-user-import.js');

/** Runs the command in a child process (in `cwd`) with no AWS endpoint set; resolves its exit code and output. */
export function runCli(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, AWS_ENDPOINT_URL: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A whole positive number from an environment variable, or `fallback` when it is unset, zero, negative or not a number. */
export function positiveFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = Number(env[name]);
  return env[name] && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

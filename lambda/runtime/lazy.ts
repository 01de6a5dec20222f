/**
 * A value built on first use and kept: handlers use it so a cold start loads only the SDK clients
 * (and step modules) the invocation actually needs.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

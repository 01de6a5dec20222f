// aws-local-stepfunctions uses Promise.withResolvers (Node 22+). Node 20, where this project is
// developed, lacks it: importing this module installs the one-function polyfill once.
type Resolvers = { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const P = Promise as unknown as { withResolvers?: () => Resolvers };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = () => {
    let resolve!: Resolvers['resolve'];
    let reject!: Resolvers['reject'];
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
export {};

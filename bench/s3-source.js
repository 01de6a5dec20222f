'use strict';
// Child process: a plain s3rver on its own loopback port, so the upload benchmark's GetObject source
// does not share an event loop with the pre-signed URL endpoint (in AWS they are different hosts).
//   node bench/s3-source.js DIR BUCKET   → prints {"endpoint": "http://127.0.0.1:PORT"} and serves until killed.
const S3rver = require('s3rver');

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ silent: true, address: '127.0.0.1', port: 0, directory, configureBuckets: [{ name: bucket, configs: [] }] });
server.run().then((addr) => {
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${addr.port}` }) + '\n');
}).catch((err) => { console.error(err); process.exit(1); });
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));

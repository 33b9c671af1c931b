// s3rver on 127.0.0.1 for the blob store tests (tests/s3_servers.py): `node server.js DIRECTORY`.
// It accepts the tests' dummy credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) besides its own, binds a free
// port and prints {"port": N} on one line once it listens; SIGTERM stops it.
'use strict';

const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

const directory = process.argv[2];
if (!directory) {
  console.error('usage: node server.js DIRECTORY');
  process.exit(2);
}
if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) {
  DUMMY_ACCOUNT.createKeyPair(process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY);
}
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
server.run().then(
  ({ port }) => console.log(JSON.stringify({ port })),
  error => {
    console.error(error);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));

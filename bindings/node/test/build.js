'use strict';
// The build the shared tests run against: the napi addon (`hookshield`, the default) or,
// with HOOKSHIELD_BUILD=wasm, the Node build of @hookshield/wasm (bindings/wasm/dist/node,
// which `npm test` in bindings/wasm runs these tests against). Both are the same
// JavaScript layer (lib/) over a different backend, so the same tests must pass on both.
const path = require('node:path');

const build = process.env.HOOKSHIELD_BUILD ?? 'napi';
if (build !== 'napi' && build !== 'wasm') throw new Error(`HOOKSHIELD_BUILD must be napi or wasm, found ${build}`);

const entry = build === 'wasm' ? path.join(__dirname, '../../wasm/dist/node') : path.join(__dirname, '..');

module.exports = {
  build,
  /** The package's entry: `require` it from the tests (and from receivers they spawn). */
  entry,
  hookshield: require(entry),
  /** For tests of what only the native package has (the Redis store, its .d.ts). */
  nativeOnly: build === 'napi' ? false : 'the native package only',
};

'use strict';
// What a case of the shared vectors (tests/vectors/README.md) describes, as the tests of
// this package build it, for whichever build test/build.js loads.
const { hookshield } = require('./build.js');

/** The verifier a case describes: provider, secrets (text, or `{ hex }` for raw key bytes), options, its clock pinned to the case's `now`. */
function verifierOf(c) {
  const options = c.options ?? {};
  return new hookshield.Verifier({
    provider: c.provider,
    secrets: c.secrets.map((secret) => (typeof secret === 'string' ? secret : Buffer.from(secret.hex, 'hex'))),
    tolerance: options.tolerance,
    maxBodyBytes: options.max_body_bytes,
    overrides: options.overrides,
    clock: () => c.now * 1000,
  });
}

/** A case's raw body: `body_hex` bytes, else the UTF-8 of `body`. */
function bodyOf(c) {
  return c.body_hex !== undefined ? Buffer.from(c.body_hex, 'hex') : Buffer.from(c.body ?? '', 'utf8');
}

module.exports = { verifierOf, bodyOf };

// The wasm-bindgen backend of the shared JavaScript layer (bindings/node/lib/index.js
// says what a backend offers): this package's exports (`raw`), which have the napi
// addon's classes and methods. scripts/build.mjs bundles this file with the layer into
// both builds (dist/web: an ES module; dist/node: CommonJS).

// eslint-disable-next-line no-unused-vars
function wasmBackend(raw, isReady) {
  'use strict';
  const decoder = new TextDecoder();

  return {
    /** The web build loads its module with `init()` (or `initSync`): nothing works before. */
    ready() {
      if (!isReady()) throw new Error('@hookshield/wasm is not initialised: await init() (or call initSync(module)) first');
    },
    verifier(provider, secrets, tolerance, maxBodyBytes, overrides) {
      const builder = new raw.RawVerifierBuilder();
      for (const secret of secrets) {
        if (typeof secret === 'string') builder.secretText(secret);
        else builder.secretBytes(secret);
      }
      return builder.build(provider, tolerance, maxBodyBytes, overrides); // consumes the builder
    },
    memoryStore: (capacity) => new raw.RawMemoryStore(capacity),
    sample: raw.sample,
    sampleTypes: raw.sampleTypes,
    errorCodes: raw.errorCodes,
    errorStatus: raw.errorStatus,
    configMessage: raw.configMessage,
    storeMessage: raw.storeMessage,
    typeMatches: raw.typeMatches,
    /** What the core threw: a RawError, freed once read. */
    errorOf(error) {
      if (!(error instanceof raw.RawError)) return undefined;
      const known = { code: error.code, message: error.message };
      error.free();
      return known;
    },
    utf8: (bytes) => decoder.decode(bytes),
  };
}

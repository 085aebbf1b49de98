'use strict';
// The npm package `hookshield`: the shared JavaScript layer (lib/, which the WebAssembly
// package @hookshield/wasm builds on too) over the napi addon (backend.js).

const api = require('./lib/index.js')(require('./backend.js'));

module.exports = { ...api, providers: Object.freeze(require('./index.js').providers()) };

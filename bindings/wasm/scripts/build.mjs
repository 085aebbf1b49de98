// Builds @hookshield/wasm: cargo (wasm32-unknown-unknown, profile wasm-release) ->
// wasm-bindgen 0.2.130 (--target web -> dist/web, --target nodejs -> dist/node) ->
// wasm-opt (npm package binaryen) -> the JavaScript layer (bindings/node/lib/, shared with
// the native package, over js/backend.js) and the TypeScript types.
//
//   npm run build                 # everything
//   HOOKSHIELD_WASM_OPT=0 npm run build   # skip wasm-opt (faster, larger)
//
// wasm-bindgen is taken from $WASM_BINDGEN, else
// ~/.cache/hookshield/wasm-bindgen-cli-0.2.130/bin/wasm-bindgen (where ci.sh installs it),
// else `wasm-bindgen` on PATH; it must be exactly 0.2.130, the version the crate pins.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WASM_BINDGEN_VERSION = '0.2.130';
const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const repo = resolve(pkg, '../..');
const dist = join(pkg, 'dist');

function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { stdio: 'inherit', cwd: repo, ...options });
}

function output(cmd, args) {
  return execFileSync(cmd, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function wasmBindgen() {
  const candidates = [
    process.env.WASM_BINDGEN,
    join(homedir(), '.cache/hookshield', `wasm-bindgen-cli-${WASM_BINDGEN_VERSION}`, 'bin/wasm-bindgen'),
    'wasm-bindgen',
  ].filter(Boolean);
  for (const candidate of candidates) {
    let version;
    try {
      version = output(candidate, ['--version']).trim();
    } catch {
      continue;
    }
    if (version === `wasm-bindgen ${WASM_BINDGEN_VERSION}`) return candidate;
    console.warn(`skipping ${candidate}: ${version}, need ${WASM_BINDGEN_VERSION}`);
  }
  throw new Error(
    `wasm-bindgen ${WASM_BINDGEN_VERSION} not found; run bindings/wasm/ci.sh, or: cargo install wasm-bindgen-cli ` +
      `--version ${WASM_BINDGEN_VERSION} --root ~/.cache/hookshield/wasm-bindgen-cli-${WASM_BINDGEN_VERSION}`,
  );
}

// 1. cargo, with the workspace profile `wasm-release` (opt-level "s", LTO, panic=abort,
// strip=debuginfo), except for the crates of HMAC-SHA256 (SHA-256 without the CPU's
// extensions is the largest cost of a verification here), built at opt-level 3. Also
// building the core, serde_json, time and hex at 3 measured about 5% faster to verify +
// read `data`, for 15 KB (gzipped) more, past issue 12's 150 KB once the scheme
// language came.
const HOT = ['sha2', 'hmac', 'digest', 'block-buffer', 'subtle'];
const hotConfig = HOT.flatMap((name) => ['--config', `profile.wasm-release.package.${name}.opt-level=3`]);
run('cargo', ['build', '-p', 'hookshield-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release', ...hotConfig]);
const targetDir = JSON.parse(output('cargo', ['metadata', '--format-version', '1', '--no-deps'])).target_directory;
const wasm = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'hookshield_wasm.wasm');

// 2. wasm-bindgen
const bindgen = wasmBindgen();
rmSync(dist, { recursive: true, force: true });
for (const [target, dir] of [
  ['web', 'web'],
  ['nodejs', 'node'],
]) {
  run(bindgen, ['--target', target, '--out-dir', join(dist, dir), '--out-name', 'hookshield_wasm', wasm]);
}

// 3. wasm-opt (binaryen from npm): -Os takes about 15% off the gzipped size and keeps
// the speed of the opt-level 3 crates (-Oz measured slower on the hot path; see bench/).
if (process.env.HOOKSHIELD_WASM_OPT !== '0') {
  const wasmOpt = join(pkg, 'node_modules', '.bin', 'wasm-opt');
  const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];
  const [web, node] = ['web', 'node'].map((dir) => join(dist, dir, 'hookshield_wasm_bg.wasm'));
  // Both targets usually emit the same module: optimise it once.
  const same = readFileSync(web).equals(readFileSync(node));
  for (const file of same ? [web] : [web, node]) run(wasmOpt, ['-Os', ...features, file, '-o', file]);
  if (same) copyFileSync(web, node);
}

// 4. The JavaScript: the layer both npm packages share (bindings/node/lib/, CommonJS
// modules, each wrapped here in a function with its own `module` and `require`) and this
// package's backend (js/backend.js), in one file per module system.
const lib = join(repo, 'bindings', 'node', 'lib');
const modules = readdirSync(lib)
  .filter((name) => name.endsWith('.js'))
  .sort()
  .map((name) => `  './${name}': function (module, exports, require) {\n${readFileSync(join(lib, name), 'utf8')}\n  },`);
const layer = `// The shared JavaScript layer (bindings/node/lib/), bundled.
const bindLayer = (() => {
  const sources = {
${modules.join('\n')}
  };
  const loaded = {};
  function load(name) {
    if (!(name in loaded)) {
      const module = { exports: {} };
      loaded[name] = module;
      sources[name](module, module.exports, load);
    }
    return loaded[name].exports;
  }
  return load('./index.js');
})();

${readFileSync(join(pkg, 'js', 'backend.js'), 'utf8')}`;
const names = ['Verifier', 'Event', 'VerificationError', 'MemoryStore', 'Router', 'sign', 'sample', 'sampleTypes', 'rejectionStatus', 'errorCodes', 'handle', 'fetchHandler', 'handleDelivery', 'express', 'fastify', 'httpHandler'];
const banner = '// @hookshield/wasm: generated by scripts/build.mjs from bindings/node/lib/ and js/backend.js; do not edit.\n';

writeFileSync(
  join(dist, 'web', 'index.js'),
  `${banner}/* @ts-self-types="./index.d.ts" */
import initWasm, { initSync as initWasmSync } from './hookshield_wasm.js';
import * as raw from './hookshield_wasm.js';

${layer}
let ready = false;
const api = bindLayer(wasmBackend(raw, () => ready));

/** The provider preset ids (the core's), once the module is loaded. */
export let providers = Object.freeze([]);

function loaded() {
  ready = true;
  providers = Object.freeze(raw.providers());
}

/**
 * Loads the WebAssembly module. Without an argument it is fetched next to this file
 * (Deno, browsers); pass a URL, Response, bytes or a compiled WebAssembly.Module to
 * choose. Resolves once the API is usable; calling it again does nothing.
 */
export async function init(input) {
  if (ready) return;
  await initWasm(input === undefined ? undefined : { module_or_path: input });
  loaded();
}

/** Instantiates a compiled WebAssembly.Module (or bytes) synchronously, e.g. in a Worker. */
export function initSync(module) {
  if (ready) return;
  initWasmSync({ module });
  loaded();
}

/** The provider preset ids: the same as \`providers\`. */
export const coreProviders = () => [...providers];

export const { ${names.join(', ')} } = api;
`,
);

writeFileSync(
  join(dist, 'web', 'workerd.js'),
  `${banner}/* @ts-self-types="./workerd.d.ts" */
// Cloudflare Workers / workerd: the .wasm is imported as a compiled module, no fetch.
import wasmModule from './hookshield_wasm_bg.wasm';
import { initSync } from './index.js';

initSync(wasmModule);

export * from './index.js';
`,
);

writeFileSync(
  join(dist, 'node', 'index.js'),
  `${banner}'use strict';
const raw = require('./hookshield_wasm.js');

${layer}
const api = bindLayer(wasmBackend(raw, () => true));
${names.map((name) => `exports.${name} = api.${name};`).join('\n')}
/** The provider preset ids (the core's). */
exports.providers = Object.freeze(raw.providers());
/** The provider preset ids: the same as \`providers\`. */
exports.coreProviders = () => [...exports.providers];
/** The Node build loads its module synchronously: nothing to do. */
exports.init = async function init() {};
exports.initSync = function initSync() {};
`,
);

writeFileSync(join(dist, 'web', 'package.json'), `${JSON.stringify({ type: 'module', main: 'index.js', types: 'index.d.ts' }, null, 2)}\n`);
writeFileSync(join(dist, 'node', 'package.json'), `${JSON.stringify({ type: 'commonjs', main: 'index.js', types: 'index.d.ts' }, null, 2)}\n`);

// 5. Types: the event union and the API's types are the native package's
// (bindings/node/events.d.ts, common.d.ts, api.d.ts).
const shared = ['events.d.ts', 'common.d.ts', 'api.d.ts'].map((name) => join(repo, 'bindings', 'node', name));
for (const file of shared) {
  if (!existsSync(file)) throw new Error(`${file} is missing: both packages share it`);
}
for (const dir of ['web', 'node']) {
  mkdirSync(join(dist, dir), { recursive: true });
  for (const file of shared) copyFileSync(file, join(dist, dir, basename(file)));
  copyFileSync(join(pkg, 'types', 'index.d.ts'), join(dist, dir, 'index.d.ts'));
}
writeFileSync(join(dist, 'web', 'workerd.d.ts'), "export * from './index.js';\n");
// Deno resolves `./events.js`, `./common.js` and `./api.js` literally: modules with no
// values that point at the types.
for (const name of ['events', 'common', 'api']) {
  writeFileSync(join(dist, 'web', `${name}.js`), `/* @ts-self-types="./${name}.d.ts" */\nexport {};\n`);
}

console.log(`built ${dist}`);

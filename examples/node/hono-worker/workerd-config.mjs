// Writes hono-worker/config.capnp, the workerd configuration that serves
// hono-worker/worker.js on 127.0.0.1:PORT (default 8787), and prints its path. workerd takes no npm resolution and no bundler: every module is listed
// by name, so this lists Hono's (its dist/ files that `hono` imports, followed from its
// entry) and @hookshield/wasm's Workers entry (bindings/wasm/dist/web: build it first,
// `cd bindings/wasm && npm run build`). A wrangler project bundles instead.
//   node hono-worker/workerd-config.mjs [PORT]
//   WEBHOOK_SECRET=whsec_... workerd serve hono-worker/config.capnp
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = resolve(here, '../../../bindings/wasm/dist/web');
const honoEntry = createRequire(import.meta.url).resolve('hono'); // node_modules/hono/dist/cjs/index.js
const honoDist = resolve(dirname(honoEntry), '..'); // node_modules/hono/dist (ES modules)
const port = Number(process.argv[2] ?? 8787);

/** The ES modules `entry` imports, relatively, followed transitively (Hono's dist/ files). */
function moduleGraph(entry) {
  const found = new Set();
  const visit = (file) => {
    if (found.has(file)) return;
    found.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(resolve(dirname(file), spec));
    }
  };
  visit(entry);
  return [...found];
}

const text = (value) => JSON.stringify(value);
// workerd reads `embed` paths relative to the configuration file.
const embed = (file) => `embed ${text(relative(here, file))}`;
const modules = [
  `(name = "worker", esModule = ${embed(join(here, 'worker.js'))})`,
  // workerd resolves a bare import by module name, and a relative one against the
  // importing module's name: `hono` re-exports `hono/index.js`, which imports its siblings.
  `(name = "hono", esModule = ${text('export * from "hono/index.js";')})`,
  ...moduleGraph(join(honoDist, 'index.js')).map(
    (file) => `(name = ${text(`hono/${relative(honoDist, file)}`)}, esModule = ${embed(file)})`,
  ),
  // @hookshield/wasm's Workers entry and the files it imports (see examples/wasm/worker/config.capnp).
  `(name = "@hookshield/wasm", esModule = ${embed(join(wasmDist, 'workerd.js'))})`,
  `(name = "@hookshield/index.js", esModule = ${embed(join(wasmDist, 'index.js'))})`,
  `(name = "@hookshield/hookshield_wasm.js", esModule = ${embed(join(wasmDist, 'hookshield_wasm.js'))})`,
  `(name = "@hookshield/hookshield_wasm_bg.wasm", wasm = ${embed(join(wasmDist, 'hookshield_wasm_bg.wasm'))})`,
];

const config = join(here, 'config.capnp');
writeFileSync(
  config,
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .honoWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const honoWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')},
  ],
  bindings = [
    (name = "WEBHOOK_SECRET", fromEnvironment = "WEBHOOK_SECRET"),
  ],
  compatibilityDate = "2025-01-01",
);
`,
);
console.log(config);

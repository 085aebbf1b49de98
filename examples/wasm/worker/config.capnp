# workerd configuration for the example Worker.
#
#   cd bindings/wasm && npm run build          # once: writes dist/web
#   SENTINEL_SECRET=whsec_... npx workerd serve ../../examples/wasm/worker/config.capnp
#
# Listens on 127.0.0.1:8787 (override with --socket-addr http=127.0.0.1:PORT).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .webhookWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const webhookWorker :Workerd.Worker = (
  modules = [
    (name = "worker", esModule = embed "worker.js"),
    # @hookshield/wasm's Workers entry (dist/web/workerd.js) and the files it imports:
    # workerd resolves "./index.js" imported by "@hookshield/wasm" to "@hookshield/index.js".
    (name = "@hookshield/wasm", esModule = embed "../../../bindings/wasm/dist/web/workerd.js"),
    (name = "@hookshield/index.js", esModule = embed "../../../bindings/wasm/dist/web/index.js"),
    (name = "@hookshield/hookshield_wasm.js", esModule = embed "../../../bindings/wasm/dist/web/hookshield_wasm.js"),
    (name = "@hookshield/hookshield_wasm_bg.wasm", wasm = embed "../../../bindings/wasm/dist/web/hookshield_wasm_bg.wasm"),
  ],
  bindings = [
    (name = "SENTINEL_SECRET", fromEnvironment = "SENTINEL_SECRET"),
  ],
  compatibilityDate = "2025-01-01",
);

// A Deno webhook receiver for Sensei with @hookshield/wasm (the web build).
//
//   cd bindings/wasm && npm run build        # once: writes dist/web
//   SENSEI_SECRET=whsec_... deno run --allow-net=127.0.0.1 --allow-read --allow-env main.ts
//   deno check main.ts                         # the package's types, narrowed per event
//
// In a project of your own, import from "npm:@hookshield/wasm" instead of the path below.
import { init, Router, Verifier } from "../../../bindings/wasm/dist/web/index.js";

// Fetches hookshield_wasm_bg.wasm next to index.js (a file: URL: needs --allow-read).
await init();

const secret = Deno.env.get("SENSEI_SECRET");
if (!secret) throw new Error("set SENSEI_SECRET to the webhook signing secret");
const verifier = new Verifier("sensei", secret, { tolerance: 300 });

const seen: string[] = [];
const router = new Router()
  .on("migration.*", (event) => {
    // A payload that drifted from Sensei's document still arrives, untyped, with the
    // reason (e.g. `data_mismatch`) and its JSON in `event.data`.
    const untyped = event.untypedReason ? ` (untyped: ${event.untypedReason})` : "";
    seen.push(`${event.type} ${event.idempotencyKey}${untyped}`);
  })
  .on("approval.*", (event) => {
    // The event union narrows on `documented` and `type`: `data` is Sensei's approval.
    if (event.documented && event.type === "approval.required") {
      seen.push(`approval needed: ${event.data.approval_id}`);
    }
  })
  .on("error.escalated", (event) => page(event.id));

// Paging is not set up in this example: the handler fails, the delivery is answered 500
// so Sensei retries it, and the error is logged with its stack.
function page(eventId: string | null): never {
  throw new Error(`no pager configured for escalation ${eventId}`);
}

const port = Number(Deno.env.get("PORT") ?? "8000");
Deno.serve({ hostname: "127.0.0.1", port, onListen: ({ port }) => console.log(`listening on 127.0.0.1:${port}`) }, (request) => {
  const { pathname } = new URL(request.url);
  if (request.method === "POST" && pathname === "/webhooks/sensei") {
    // 200 processed or duplicate (the verifier's own MemoryStore remembers), 401 forged
    // or stale, 400 not JSON, 413 over maxBodyBytes (1 MiB; a larger Content-Length is
    // refused unread), 500 handler failed. Rejections and failures are logged.
    return verifier.handle(request, router);
  }
  if (request.method === "GET" && pathname === "/seen") return Response.json(seen);
  return new Response("not found\n", { status: 404 });
});

'use strict';
// Express: the middleware reads the exact bytes the provider signed itself, up to the
// verifier's maxBodyBytes (1 MiB by default), so the webhook route needs no body parser.
//   node express-receiver.js            then, in another shell:
//   node send.js http://127.0.0.1:3000/webhooks document.failed
const express = require('express');
const hookshield = require('hookshield');
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

const app = express();

// The webhook route, before any body parser. (express.json() on it would be answered
// with a 500 that names the fix: a parsed body cannot be verified. express.raw() would
// work, but with its own limit, 100 KiB unless you pass `limit: verifier.maxBodyBytes`.)
app.post('/webhooks', hookshield.express({ verifier, store, handler: router, onOutcome }));

// The rest of the app keeps its JSON parser.
app.use(express.json());
app.get('/health', (_req, res) => res.json({ ok: true }));

const server = app.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}/webhooks`);
});

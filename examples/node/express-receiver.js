'use strict';
// Express: `express.raw` keeps the exact bytes the provider signed.
//   node express-receiver.js            then, in another shell:
//   node send.js http://127.0.0.1:3000/webhooks document.failed
const express = require('express');
const hookshield = require('hookshield');
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

const app = express();

// The webhook route gets the raw body. (Mounting express.json() for it instead would be
// answered with a 500 that names this fix: a parsed body cannot be verified.)
app.post(
  '/webhooks',
  express.raw({ type: 'application/json' }),
  hookshield.express({ verifier, store, handler: router, onOutcome }),
);

// The rest of the app keeps its JSON parser.
app.use(express.json());
app.get('/health', (_req, res) => res.json({ ok: true }));

const server = app.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}/webhooks`);
});

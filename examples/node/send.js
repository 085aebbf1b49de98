'use strict';
// Sends a signed sample delivery, as the provider would, to try a receiver:
//   node send.js [url] [event type] [--forge] [--stale] [--pad=<bytes>]
// e.g. node send.js http://127.0.0.1:3000/webhooks document.failed
// (The sample's event time is stamped now; --stale signs it an hour ago; --pad adds a
// string of that many bytes to `data`, still authentic.)
const { sample, sign } = require('hookshield');
const { SECRET, PROVIDER } = require('./common.js');

/** Sends `type`'s sample; `now` (Unix ms) stamps its event time, so two sends can be one event. */
async function send(url, type, { forge = false, stale = false, pad = 0, now = Date.now() } = {}) {
  let body = sample(PROVIDER, type, { now });
  if (body === null) throw new Error(`no sample for ${PROVIDER} ${type}`);
  if (pad > 0) body = body.replace(/"data"\s*:\s*\{/, `"data": {"pad": "${'x'.repeat(pad)}", `);
  const timestamp = Math.floor(Date.now() / 1000) - (stale ? 3600 : 0); // the header's time
  const headers = sign(PROVIDER, SECRET, body, { timestamp });
  const sent = forge ? body.replace(/"data"\s*:\s*\{/, '"data": {"forged": true, ') : body;
  const response = await fetch(url, { method: 'POST', headers, body: sent, signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const [url = 'http://127.0.0.1:3000/webhooks', type = 'document.completed'] = args.filter((a) => !a.startsWith('--'));
  const pad = Number(/^--pad=(\d+)$/.exec(args.find((a) => a.startsWith('--pad=')) ?? '')?.[1] ?? 0);
  send(url, type, { forge: args.includes('--forge'), stale: args.includes('--stale'), pad }).then(
    ({ status, body }) => console.log(status, body),
    (error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}

module.exports = { send };

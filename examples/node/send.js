'use strict';
// Sends a signed sample delivery, as the provider would, to try a receiver:
//   node send.js [url] [event type] [--forge] [--stale]
// e.g. node send.js http://127.0.0.1:3000/webhooks document.failed
const { sample, sign } = require('hookshield');
const { SECRET, PROVIDER } = require('./common.js');

async function send(url, type, { forge = false, stale = false } = {}) {
  const body = sample(PROVIDER, type);
  if (body === null) throw new Error(`no sample for ${PROVIDER} ${type}`);
  const timestamp = Math.floor(Date.now() / 1000) - (stale ? 3600 : 0);
  const headers = sign(PROVIDER, SECRET, body, { timestamp });
  const sent = forge ? body.replace(/"data"\s*:\s*\{/, '"data": {"forged": true, ') : body;
  const response = await fetch(url, { method: 'POST', headers, body: sent, signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const [url = 'http://127.0.0.1:3000/webhooks', type = 'document.completed'] = args.filter((a) => !a.startsWith('--'));
  send(url, type, { forge: args.includes('--forge'), stale: args.includes('--stale') }).then(
    ({ status, body }) => console.log(status, body),
    (error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}

module.exports = { send };

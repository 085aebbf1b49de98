'use strict';
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');

const { hookshield, build } = require('./build.js');
const { Verifier, VerificationError, MemoryStore, Router, Event, sign, sample, sampleTypes } = hookshield;

const SECRET = 'whsec_test_secret_0123456789';
const NOW = 1_778_839_500; // Unix seconds

function sentinel(options = {}) {
  return new Verifier({ provider: 'sentinel', secrets: [SECRET], clock: () => NOW * 1000, ...options });
}

function signedSentinel(type = 'document.failed', at = NOW) {
  const body = sample('sentinel', type, { now: NOW * 1000 });
  return { body, headers: sign('sentinel', SECRET, body, { timestamp: at }) };
}

function throwsCode(fn, code) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof VerificationError, `expected VerificationError, got ${util.inspect(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'VerificationError');
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('verify', () => {
  test('a signed sample verifies into a typed event', () => {
    const { body, headers } = signedSentinel();
    const event = sentinel().verify(body, headers);
    assert.ok(event instanceof Event);
    assert.equal(event.provider, 'sentinel');
    assert.equal(event.type, 'document.failed');
    assert.equal(event.family, 'document');
    assert.equal(event.id, null);
    assert.equal(event.timestamp.toISOString(), '2026-05-15T10:05:00.000Z');
    assert.equal(event.data.error_code, 'EXTRACTION_TIMEOUT');
    assert.deepEqual(event.raw, JSON.parse(body));
    assert.equal(event.documented, true);
    assert.equal(event.idempotencyKey, 'document.failed:doc_abc123:2026-05-15T10%3A05%3A00Z:390060dff20a9a1cf01d3aa26cf4a0a2');
    assert.equal(event.untypedReason, null);
    assert.equal(event.untypedDetail, null);
    assert.equal(event.matches('document.*'), true);
    assert.equal(event.matches('document.failed'), true);
    assert.equal(event.matches('chat.*'), false);
    assert.equal(event.matches('*'), true);
    assert.deepEqual(JSON.parse(JSON.stringify(event)).data, event.data);
  });

  test('every body shape: string, Buffer, Uint8Array, ArrayBuffer, DataView', () => {
    const { body, headers } = signedSentinel();
    const bytes = Buffer.from(body);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    const offset = new Uint8Array(bytes.length + 8);
    offset.set(bytes, 4);
    const shapes = [
      body,
      bytes,
      copy,
      copy.buffer,
      new DataView(offset.buffer, 4, bytes.length),
      offset.subarray(4, 4 + bytes.length),
    ];
    for (const shape of shapes) assert.equal(sentinel().verify(shape, headers).type, 'document.failed');
  });

  test('forged, stale, future and missing headers get their codes', () => {
    const { body, headers } = signedSentinel();
    throwsCode(() => sentinel().verify(body.replace('EXTRACTION', 'EXTRACT1ON'), headers), 'signature_mismatch');
    throwsCode(() => sentinel({ secrets: ['whsec_other'] }).verify(body, headers), 'signature_mismatch');
    const stale = signedSentinel('document.failed', NOW - 301);
    throwsCode(() => sentinel().verify(stale.body, stale.headers), 'timestamp_too_old');
    const future = signedSentinel('document.failed', NOW + 301);
    throwsCode(() => sentinel().verify(future.body, future.headers), 'timestamp_in_future');
    assert.equal(sentinel({ tolerance: 400 }).verify(stale.body, stale.headers).type, 'document.failed');
    throwsCode(() => sentinel().verify(body, { 'x-sentinel-timestamp': String(NOW) }), 'missing_header');
    throwsCode(() => sentinel().verify(body, { 'x-sentinel-signature': headers['X-Sentinel-Signature'] }), 'missing_timestamp');
    throwsCode(() => sentinel().verify(body, { ...headers, 'X-Sentinel-Signature': 'sha256=abc' }), 'malformed_signature');
    throwsCode(() => sentinel({ maxBodyBytes: 10 }).verify(body, headers), 'body_too_large');
  });

  test('error messages never contain the secret or the expected signature', () => {
    const { body, headers } = signedSentinel();
    const forged = body.replace('EXTRACTION', 'EXTRACT1ON');
    const expected = sign('sentinel', SECRET, forged, { timestamp: NOW })['X-Sentinel-Signature'];
    try {
      sentinel().verify(forged, headers);
      assert.fail('should throw');
    } catch (error) {
      assert.ok(!error.message.includes(SECRET));
      assert.ok(!error.message.includes(expected.slice(7)));
      assert.ok(!util.inspect(error).includes(SECRET));
    }
    assert.ok(!util.inspect(sentinel()).includes(SECRET));
  });

  test('secret rotation: any configured secret may have signed', () => {
    const { body, headers } = signedSentinel();
    assert.equal(sentinel({ secrets: ['whsec_new', SECRET] }).verify(body, headers).type, 'document.failed');
    assert.equal(sentinel({ secret: Buffer.from(SECRET) }).verify(body, headers).type, 'document.failed');
  });

  test('the clock: Unix milliseconds or a Date; a bad clock is invalid_config', () => {
    const { body, headers } = signedSentinel();
    assert.equal(sentinel({ clock: () => new Date(NOW * 1000) }).verify(body, headers).type, 'document.failed');
    throwsCode(() => sentinel({ clock: () => NOW * 1000 + 400_000 }).verify(body, headers), 'timestamp_too_old');
    throwsCode(() => sentinel({ clock: () => 'now' }).verify(body, headers), 'invalid_config');
    throwsCode(
      () =>
        sentinel({
          clock: () => {
            throw new Error('clock broke');
          },
        }).verify(body, headers),
      'invalid_config',
    );
  });

  test('the system clock is used without a clock option', () => {
    const body = sample('sentinel', 'report.generated');
    const headers = sign('sentinel', SECRET, body);
    assert.equal(new Verifier({ provider: 'sentinel', secrets: SECRET }).verify(body, headers).type, 'report.generated');
  });

  test('a parsed body is refused with a message naming the fix', () => {
    const { body, headers } = signedSentinel();
    for (const parsed of [JSON.parse(body), {}, [1, 2]]) {
      throwsCode(() => sentinel().verify(parsed, headers), 'invalid_config');
      try {
        sentinel().verify(parsed, headers);
      } catch (error) {
        assert.match(error.message, /already parsed/);
        assert.ok(error.message.includes("express.raw({ type: 'application/json', limit: verifier.maxBodyBytes })"), error.message);
        assert.ok(error.message.includes('await req.text()'), error.message);
      }
    }
    assert.equal(hookshield.rejectionStatus('invalid_config'), 500, 'a receiver set up wrongly gets a retried status');
  });

  test('nothing but VerificationError is thrown, for any input', () => {
    const { body, headers } = signedSentinel();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('proxy get');
        },
        ownKeys() {
          throw new Error('proxy keys');
        },
      },
    );
    const throwingGet = { get: () => { throw new Error('get'); } };
    const bodies = [undefined, null, 0, 1.5, NaN, true, Symbol('s'), 10n, () => 1, {}, [], hostile, new Date(), body, Buffer.alloc(0), ''];
    const headerShapes = [
      undefined,
      null,
      0,
      'x-sentinel-signature: sha256=00',
      Symbol('h'),
      [],
      [null, 1, ['a']],
      [[1, 2]],
      ['x-sentinel-signature'],
      { 'x-sentinel-signature': { toString: () => headers['X-Sentinel-Signature'] } },
      { 'x-sentinel-signature': 5, 'x-sentinel-timestamp': NOW },
      { 'x-sentinel-signature': [null, undefined] },
      hostile,
      throwingGet,
      new Map([[1, 2]]),
      headers,
    ];
    let verified = 0;
    for (const b of bodies) {
      for (const h of headerShapes) {
        try {
          sentinel().verify(b, h);
          verified += 1;
        } catch (error) {
          assert.ok(error instanceof VerificationError, `verify(${util.inspect(b)}, ${util.inspect(h)}) threw ${util.inspect(error)}`);
          assert.equal(typeof error.code, 'string');
        }
      }
    }
    assert.equal(verified, 1, 'only the real delivery verifies');
  });

  test('an undocumented type arrives as an unknown event, not an error', () => {
    const body = JSON.stringify({ event: 'document.archived', timestamp: '2026-05-15T10:05:00Z', data: { document_id: 'd1', x: 1 } });
    const event = sentinel().verify(body, sign('sentinel', SECRET, body, { timestamp: NOW }));
    assert.equal(event.type, 'document.archived');
    assert.equal(event.documented, false);
    assert.deepEqual(event.data, { document_id: 'd1', x: 1 });
  });

  test('data is read from its own part of the body, whatever the text before it', () => {
    // Non-ASCII (two- and four-byte UTF-8, a surrogate pair in JavaScript) before and
    // inside `data`, escapes, whitespace, and `data` first or last.
    const inner = { document_id: 'dœc_☃', error_code: 'E\u2028"|:,', note: '😀 ok' };
    const bodies = [
      `{"event":"document.failed","timestamp":"2026-05-15T10:05:00Z","x":"é😀\\\"","data":${JSON.stringify(inner)}}`,
      `{ "data" :\n ${JSON.stringify(inner, null, 2)} ,\t"event":"document.failed","y":"😀😀"}`,
    ];
    for (const body of bodies) {
      for (const shape of [body, Buffer.from(body)]) {
        const event = sentinel().verify(shape, sign('sentinel', SECRET, body, { timestamp: NOW }));
        assert.deepEqual(event.data, inner, body);
        assert.deepEqual(event.raw, JSON.parse(body));
        assert.equal(event.data, event.data, 'parsed once');
      }
    }
    // No `data` member where the envelope has none: null.
    const standard = new Verifier({ provider: 'standard', secrets: ['whsec_' + Buffer.from('k').toString('base64')], clock: () => NOW * 1000 });
    const body = '{"type":"ping.sent","timestamp":"2026-05-15T10:05:00Z"}';
    const event = standard.verify(body, sign('standard', 'whsec_' + Buffer.from('k').toString('base64'), body, { timestamp: NOW, id: 'msg_1' }));
    assert.equal(event.data, null);
  });

  test('GitHub: data is the whole body; Standard Webhooks and KYC carry ids', () => {
    const body = sample('github', 'ping');
    const gh = new Verifier({ provider: 'github', secrets: 's', clock: () => NOW * 1000 });
    const event = gh.verify(body, sign('github', 's', body, { event: 'ping', id: 'd-1' }));
    assert.deepEqual(event.data, JSON.parse(body));
    assert.equal(event.idempotencyKey, 'd-1');

    const std = new Verifier({ provider: 'standard', secrets: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', clock: () => NOW * 1000 });
    const sbody = sample('standard', 'invoice.paid');
    const sheaders = sign('standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', sbody, { timestamp: NOW, id: 'msg_1' });
    assert.equal(std.verify(sbody, sheaders).idempotencyKey, 'msg_1');

    const kyc = new Verifier({ provider: 'kyc', secrets: 'k', clock: () => NOW * 1000 });
    const kbody = sample('kyc', 'kyc.session.processed');
    const kevent = kyc.verify(kbody, sign('kyc', 'k', kbody, { timestamp: NOW }));
    assert.equal(kevent.family, 'session');
    assert.equal(kevent.id, JSON.parse(kbody).id);
    assert.equal(kevent.idempotencyKey, JSON.parse(kbody).id);
  });

  test('overrides: a custom sender, camelCase or snake_case', () => {
    const options = {
      signatureHeader: 'X-Acme-Signature',
      encoding: 'base64',
      prefix: '',
      signedContent: '{timestamp}.{body}',
      timestampHeader: 'X-Acme-Timestamp',
    };
    const body = '{"type":"thing.happened","data":{"id":"t1"}}';
    const headers = sign('custom', 'acme', body, { timestamp: NOW, overrides: options });
    assert.ok('X-Acme-Signature' in headers);
    const custom = new Verifier({ provider: 'custom', secrets: 'acme', clock: () => NOW * 1000, ...options });
    assert.equal(custom.verify(body, headers).type, 'thing.happened');
    assert.deepEqual(custom.headerNames, ['x-acme-signature', 'x-acme-timestamp', null, null]);
    const snake = new Verifier({
      provider: 'custom',
      secrets: 'acme',
      clock: () => NOW * 1000,
      overrides: { signature_header: 'X-Acme-Signature', encoding: 'base64', prefix: '', signed_content: '{timestamp}.{body}', timestamp_header: 'X-Acme-Timestamp' },
    });
    assert.equal(snake.verify(body, headers).type, 'thing.happened');
    // The timestamp header can be removed (null), after which the window no longer applies.
    const noTs = new Verifier({ provider: 'sentinel', secrets: SECRET, timestampHeader: null, clock: () => 0 });
    const { body: b2, headers: h2 } = signedSentinel();
    assert.equal(noTs.verify(b2, { 'X-Sentinel-Signature': h2['X-Sentinel-Signature'] }).type, 'document.failed');
  });

  test('the scheme language: a structured header, a template, body fields by path', () => {
    const options = {
      signatureHeader: 'Acme-Signature',
      prefix: 'v1=',
      separator: ';',
      timestampKey: 'ts',
      timestampUnit: 'milliseconds',
      signedContent: 'acme:{timestamp}:{body}',
      typeField: 'event.kind',
      idField: 'event.uid',
      dataField: 'event',
    };
    const body = '{"event":{"kind":"order.paid","uid":"u-1"}}';
    const headers = sign('custom', 'acme', body, { timestamp: NOW, overrides: options });
    assert.match(headers['Acme-Signature'], new RegExp(`^ts=${NOW}000;v1=[0-9a-f]{64}$`));
    const acme = new Verifier({ provider: 'custom', secrets: 'acme', clock: () => NOW * 1000, ...options });
    const event = acme.verify(body, headers);
    assert.deepEqual([event.type, event.id, event.idempotencyKey], ['order.paid', 'u-1', 'u-1']);
    assert.equal(event.timestamp.getTime(), NOW * 1000);
    // Slack's documented example, and one byte changed.
    const slash = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V'
      + '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text='
      + '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN'
      + '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const slack = new Verifier({ provider: 'slack', secrets: '8f742231b10e8888abcd99yyyzzz85a5', clock: () => 1531420618000 });
    const documented = {
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    const command = slack.verify(slash, documented);
    assert.equal(command.type, '/webhook-collect');
    assert.equal(command.data.user_name, 'roadrunner');
    throwsCode(() => slack.verify(slash.replace('foobar', 'foobaz'), documented), 'signature_mismatch');
  });

  test('configuration errors: no_secret and invalid_config', () => {
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: [] }), 'no_secret');
    throwsCode(() => new Verifier({ provider: 'sentinel' }), 'no_secret');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: [''] }), 'no_secret');
    throwsCode(() => new Verifier({ provider: 'nope', secrets: ['s'] }), 'invalid_config');
    throwsCode(() => new Verifier({ secrets: ['s'] }), 'invalid_config');
    throwsCode(() => new Verifier(), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], colour: 'red' }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], tolerance: -1 }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], tolerance: '300' }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], maxBodyBytes: 1.5 }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], encoding: 'octal' }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: [42] }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'sentinel', secrets: ['s'], clock: 5 }), 'invalid_config');
    throwsCode(() => new Verifier({ provider: 'standard', secrets: ['whsec_***'] }), 'invalid_config');
  });

  test('verifySignature checks without parsing', () => {
    const { body, headers } = signedSentinel();
    assert.deepEqual(sentinel().verifySignature(body, headers), { timestamp: NOW, id: null, event: null });
    throwsCode(() => sentinel().verifySignature('x', headers), 'signature_mismatch');
  });
});

describe('sign and samples', () => {
  test('sign returns the provider headers as an object', () => {
    const headers = sign('docintell', 'whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC', sample('docintell', 'document.uploaded'), {
      timestamp: NOW,
    });
    assert.deepEqual(Object.keys(headers).sort(), ['Content-Type', 'X-DocIntell-Event', 'X-DocIntell-Signature', 'X-DocIntell-Timestamp']);
    assert.equal(headers['X-DocIntell-Event'], 'document.uploaded');
    assert.equal(headers['X-DocIntell-Timestamp'], String(NOW));
    assert.match(headers['X-DocIntell-Signature'], /^sha256=[0-9a-f]{64}$/);
    throwsCode(() => sign('nope', 's', '{}'), 'invalid_config');
  });

  test('samples for every documented type of the five providers', () => {
    assert.equal(sampleTypes('sentinel').length, 4);
    assert.equal(sampleTypes('docintell').length, 3);
    assert.equal(sampleTypes('sentrasa').length, 3);
    assert.equal(sampleTypes('sensei').length, 22);
    assert.ok(sampleTypes('kyc').includes('kyc.session.processed'));
    assert.equal(sample('sensei', 'migration.teleported'), null);
    for (const provider of ['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei']) {
      const verifier = new Verifier({ provider, secrets: 's', clock: () => NOW * 1000 });
      for (const type of sampleTypes(provider)) {
        const body = sample(provider, type);
        const event = verifier.verify(body, sign(provider, 's', body, { timestamp: NOW }));
        assert.equal(event.type, type);
        assert.equal(event.documented, true, `${provider} ${type}`);
      }
    }
    assert.deepEqual(hookshield.providers, ['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard', 'stripe', 'svix', 'slack', 'shopify', 'paddle', 'custom']);
  });
});

test('both packages export the whole API', () => {
  const names = ['Verifier', 'Event', 'VerificationError', 'MemoryStore', 'Router', 'sign', 'sample', 'sampleTypes', 'rejectionStatus', 'errorCodes'];
  for (const name of [...names, 'handle', 'fetchHandler', 'handleDelivery', 'express', 'fastify', 'httpHandler']) {
    assert.equal(typeof hookshield[name], 'function', name);
  }
  assert.equal(typeof hookshield.RedisStore, build === 'napi' ? 'function' : 'undefined');
  assert.deepEqual([...hookshield.providers], ['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard', 'stripe', 'svix', 'slack', 'shopify', 'paddle', 'custom']);
  assert.equal(hookshield.errorCodes().length, 13);
  assert.equal(hookshield.rejectionStatus('store_unavailable'), 503);
  throwsCode(() => hookshield.rejectionStatus('nope'), 'invalid_config');
});

test('options.now pins "now" for one call, over the clock', () => {
  const { body, headers } = signedSentinel();
  const late = sentinel({ clock: () => (NOW + 1000) * 1000 });
  throwsCode(() => late.verify(body, headers), 'timestamp_too_old');
  assert.equal(late.verify(body, headers, { now: NOW * 1000 }).type, 'document.failed');
  assert.equal(late.verify(body, headers, { now: new Date(NOW * 1000) }).type, 'document.failed');
  assert.deepEqual(late.verifySignature(body, headers, { now: NOW * 1000 }), { timestamp: NOW, id: null, event: null });
  throwsCode(() => late.verify(body, headers, { now: 'now' }), 'invalid_config');
});

test('ES module import works', { skip: build !== 'napi' && 'the native package' }, async () => {
  const esm = await import('hookshield');
  assert.equal(esm.Verifier, Verifier);
  assert.equal(esm.default.VerificationError, VerificationError);
  const direct = await import('../hookshield.mjs');
  assert.equal(direct.sign, sign);
});

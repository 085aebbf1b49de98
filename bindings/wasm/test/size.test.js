// The size budget of the shipped module: at most 150 KB gzipped.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const BUDGET = 150 * 1000;

for (const dir of ['web', 'node']) {
  test(`dist/${dir}/hookshield_wasm_bg.wasm is at most 150 KB gzipped`, () => {
    const wasm = fs.readFileSync(path.join(__dirname, '..', 'dist', dir, 'hookshield_wasm_bg.wasm'));
    const gzipped = zlib.gzipSync(wasm, { level: 9 }).length;
    console.log(`dist/${dir}: ${wasm.length} bytes, ${gzipped} bytes gzipped (-9)`);
    assert.ok(gzipped <= BUDGET, `${gzipped} bytes gzipped, budget ${BUDGET}`);
  });
}

test('the module never reads a system clock (std on wasm32-unknown-unknown would panic)', () => {
  // `SystemTime::now`/`Instant::now` on this target are std's "unsupported" stubs, which
  // panic with this message; linking either would put it in the binary.
  const wasm = fs.readFileSync(path.join(__dirname, '..', 'dist', 'web', 'hookshield_wasm_bg.wasm'));
  assert.equal(wasm.includes(Buffer.from('time not implemented on this platform')), false);
});

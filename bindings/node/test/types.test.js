'use strict';
// The TypeScript types: `tsc --noEmit` of a typed receiver (test/types/example.ts) passes,
// and of a wrong one (test/types/wrong.ts) fails exactly where the union says it must.
const { test } = require('node:test');
const { nativeOnly } = require('./build.js');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

function check(project) {
  return spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root, encoding: 'utf8' });
}

test('tsc --noEmit: the typed example type-checks', { skip: nativeOnly }, () => {
  const result = check('test/types/tsconfig.json');
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test('tsc --noEmit: misuse of event data is a type error', { skip: nativeOnly }, () => {
  const result = check('test/types/tsconfig.wrong.json');
  assert.notEqual(result.status, 0);
  const errors = result.stdout.split('\n').filter((line) => line.includes('error TS'));
  assert.equal(errors.length, 3, result.stdout);
  assert.match(errors[0], /wrong\.ts\(8,9\): error TS2322/);
  assert.match(errors[1], /wrong\.ts\(12,9\): error TS2322/);
  assert.match(errors[2], /wrong\.ts\(16,9\): error TS2322/);
});

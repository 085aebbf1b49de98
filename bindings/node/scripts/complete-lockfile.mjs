// Adds lockfile entries for the other platforms' builds of optional native packages
// (napi-rs style `<name>-<platform>`), which `npm install` leaves out when its registry
// mirror does not serve them; `npm ci` then refuses the lockfile ("Missing: ... from lock
// file"). Each entry carries its os/cpu/libc, so npm skips it on other machines without
// fetching it, exactly as with a lockfile written against the full registry.
//
// Run after `npm install` changed package-lock.json: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const platforms = {
  'android-arm-eabi': [['android'], ['arm']],
  'android-arm64': [['android'], ['arm64']],
  'darwin-arm64': [['darwin'], ['arm64']],
  'darwin-x64': [['darwin'], ['x64']],
  'darwin-universal': [['darwin'], null],
  'freebsd-x64': [['freebsd'], ['x64']],
  'freebsd-arm64': [['freebsd'], ['arm64']],
  'linux-arm-gnueabihf': [['linux'], ['arm'], ['glibc']],
  'linux-arm-musleabihf': [['linux'], ['arm'], ['musl']],
  'linux-arm64-gnu': [['linux'], ['arm64'], ['glibc']],
  'linux-arm64-musl': [['linux'], ['arm64'], ['musl']],
  'linux-ppc64-gnu': [['linux'], ['ppc64'], ['glibc']],
  'linux-riscv64-gnu': [['linux'], ['riscv64'], ['glibc']],
  'linux-s390x-gnu': [['linux'], ['s390x'], ['glibc']],
  'linux-x64-gnu': [['linux'], ['x64'], ['glibc']],
  'linux-x64-musl': [['linux'], ['x64'], ['musl']],
  'linux-ia32-gnu': [['linux'], ['ia32'], ['glibc']],
  'wasm32-wasi': [null, ['wasm32']],
  'win32-arm64-msvc': [['win32'], ['arm64']],
  'win32-ia32-msvc': [['win32'], ['ia32']],
  'win32-x64-msvc': [['win32'], ['x64']],
  'openharmony-arm64': [['openharmony'], ['arm64']],
};

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (lock.packages[at]) continue;
    const base = key.split('node_modules/').at(-1);
    const platform = dep.startsWith(`${base}-`) ? platforms[dep.slice(base.length + 1)] : undefined;
    if (!platform) throw new Error(`${dep}: not a platform build of ${base}`);
    const [os, cpu, libc] = platform;
    lock.packages[at] = {
      version,
      dev: true,
      optional: true,
      ...(cpu && { cpu }),
      ...(libc && { libc }),
      ...(os && { os }),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} lockfile entries`);

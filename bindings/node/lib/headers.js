'use strict';
// Request headers in any shape a receiver holds, reduced to the values of the (at most
// four) headers the verifier's scheme reads: only those cross into Rust.

/**
 * A header's value as text. A header sent more than once (an array of values) gives its
 * first value, except the signature header (`all`), whose values are joined with ", "
 * as Node's http and Fetch's `Headers.get` join them: the core then tries each entry.
 */
function valueOf(value, all) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    let joined;
    for (const item of value) {
      const text = valueOf(item, all);
      if (text === undefined) continue;
      if (!all) return text;
      joined = joined === undefined ? text : `${joined}, ${text}`;
    }
    return joined;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Adds one occurrence of header `index` to `out`: joined for the signature, else the first. */
function addValue(out, index, value) {
  const text = valueOf(value, index === 0);
  if (text === undefined) return;
  if (out[index] === undefined) out[index] = text;
  else if (index === 0) out[0] = `${out[0]}, ${text}`;
}

/**
 * Fills `out` with the values of `names` (lower-cased; null where the scheme has no such
 * header) found in `headers`: a Node `IncomingHttpHeaders` or any object of
 * `name -> string | string[]`, a Fetch `Headers` (or anything with `get`), a `Map`, an
 * array of `[name, value]` pairs, or a flat `[name, value, ...]` array such as
 * `req.rawHeaders`. Names match case-insensitively. A header sent more than once: every
 * occurrence of the signature header, joined with ", "; the first of any other. The
 * caller checks that `headers` is an object.
 */
function pickHeaders(headers, names, out) {
  out[0] = out[1] = out[2] = out[3] = undefined;
  if (Array.isArray(headers)) {
    pickFromList(headers, names, out);
    return;
  }
  if (headers instanceof Map) {
    pickFromEntries(headers, names, out);
    return;
  }
  if (typeof headers.get === 'function') {
    // Fetch `Headers` (case-insensitive `get`; repeated values come joined by ", ").
    for (let i = 0; i < 4; i++) {
      if (names[i] !== null) {
        const value = headers.get(names[i]);
        out[i] = value === null ? undefined : valueOf(value, i === 0);
      }
    }
    return;
  }
  // A plain object. Node's IncomingHttpHeaders keys are lower-case: try those first.
  let missing = false;
  for (let i = 0; i < 4; i++) {
    const name = names[i];
    if (name !== null) {
      const value = valueOf(headers[name], i === 0);
      if (value === undefined) missing = true;
      out[i] = value;
    }
  }
  if (missing) {
    // Any other spelling (`X-Sentinel-Signature`): one pass over the keys.
    for (const key of Object.keys(headers)) {
      const index = names.indexOf(key.toLowerCase());
      if (index >= 0 && key !== names[index]) addValue(out, index, headers[key]);
    }
  }
}

function pickFromEntries(entries, names, out) {
  for (const [key, value] of entries) {
    if (typeof key !== 'string') continue;
    const index = names.indexOf(key.toLowerCase());
    if (index >= 0) addValue(out, index, value);
  }
}

function pickFromList(list, names, out) {
  if (list.length > 0 && typeof list[0] === 'string') {
    // A flat list: [name, value, name, value, ...] (`req.rawHeaders`).
    for (let i = 0; i + 1 < list.length; i += 2) {
      if (typeof list[i] !== 'string') continue;
      const index = names.indexOf(list[i].toLowerCase());
      if (index >= 0) addValue(out, index, list[i + 1]);
    }
    return;
  }
  for (const pair of list) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') continue;
    const index = names.indexOf(pair[0].toLowerCase());
    if (index >= 0) addValue(out, index, pair[1]);
  }
}

module.exports = { pickHeaders };

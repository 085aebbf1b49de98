// Writes events.d.ts (the typed events both npm packages ship) from the core's JSON
// Schema of every documented event, crates/hookshield/schema/events.json (which
// `cargo run -p hookshield --features schema --example event_schema` writes).
//
//   node scripts/gen-events-dts.mjs          # rewrite events.d.ts
//   node scripts/gen-events-dts.mjs --check  # exit 1 when events.d.ts is not what it writes
//
// The schema carries the documented events (provider, type, family, data) and the data
// structs with their doc comments. What it does not carry lives here: the event base,
// the untyped member (`UnknownEvent`, `untypedReason`), the providers without documented
// events, and the notes on each provider's envelope.
//
// Each provider's own data struct becomes an interface named as in `$defs` without a
// `Data` suffix (`SentinelDocumentCompleted`, `SentrasaJob`); structs nested in one are
// written inline; a family of types (KYC's) becomes a named event type `<Title>Event` whose
// `type` is a template literal.
import { readFileSync, writeFileSync } from 'node:fs';

const target = new URL('../events.d.ts', import.meta.url);
const source = new URL('../../../crates/hookshield/schema/events.json', import.meta.url);
const schema = JSON.parse(readFileSync(source, 'utf8'));

/** Providers without documented events: every event of theirs is an `UnknownEvent`. */
const UNTYPED_PROVIDERS = ['github', 'standard', 'stripe', 'svix', 'slack', 'shopify', 'paddle', 'custom'];
/** Where each provider's document is and what its envelope looks like. */
const NOTES = {
  sentinel: 'Sentinel (sentinel.txt): `{event, timestamp, data}`.',
  docintell: 'DocIntell (docintell.txt): `{event, timestamp, data}`, `X-DocIntell-Event`.',
  sentrasa: 'Sentrasa (sentrasa.txt): names the events, shows no payload.',
  kyc: 'KYC-Webhooks (kyc-webhooks.txt): typed by family, `{id, type, created, data}`.',
  sensei: 'Sensei (sensei.md): `{id, type, created_at, data, metadata}`.',
};
const SCALARS = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' };
const RULE = `// ${'-'.repeat(81)}`;

const refName = (ref) => ref.replace(/^#\/\$defs\//, '');
const providerOf = (group) => group.oneOf[0].properties.provider.const;
const events = schema.oneOf.flatMap((group) => group.oneOf);
/** `$defs` name -> interface name, for the structs that are an event's data. */
const dataNames = new Map(
  events.map((event) => refName(event.properties.data.$ref)).map((name) => [name, name.replace(/Data$/, '')]),
);

function jsdoc(text, indent) {
  if (!text) return [];
  const lines = text.replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`), `${indent} */`];
}

/** The TypeScript type of one property's schema, `T | null` where it may be null. */
function typeOf(prop, indent) {
  if (prop.$ref) {
    const name = refName(prop.$ref);
    return dataNames.get(name) ?? `(${objectType(schema.$defs[name], indent)})`;
  }
  if (prop.anyOf) {
    const members = prop.anyOf.filter((member) => member.type !== 'null');
    if (members.length !== 1) throw new Error(`unsupported anyOf: ${JSON.stringify(prop)}`);
    const type = typeOf(members[0], indent);
    return members.length < prop.anyOf.length ? `${type} | null` : type;
  }
  const types = [prop.type].flat();
  const nullable = types.includes('null');
  const [kind, ...rest] = types.filter((type) => type !== 'null');
  let type;
  if (rest.length) throw new Error(`unsupported type: ${JSON.stringify(prop)}`);
  if (kind === 'array') {
    const items = prop.items ?? true;
    type = items === true ? 'unknown[]' : `Array<${typeOf(items, indent)}>`;
  } else if (SCALARS[kind]) {
    type = SCALARS[kind];
  } else {
    throw new Error(`unsupported type: ${JSON.stringify(prop)}`);
  }
  return nullable ? `${type} | null` : type;
}

/** The members of a struct's schema, one per line with its doc comment. */
function members(definition, indent) {
  const required = new Set(definition.required ?? []);
  return Object.entries(definition.properties).flatMap(([field, prop]) => [
    ...jsdoc(prop.description, indent),
    `${indent}${field}${required.has(field) ? '' : '?'}: ${typeOf(prop, indent)};`,
  ]);
}

/** A struct nested in another, written inline: `{ ... } & Extra`. */
function objectType(definition, indent) {
  return ['{', ...members(definition, `${indent}  `), `${indent}} & Extra`].join('\n');
}

/** The `type` of an event: a literal, or a template literal for a family of types. */
function typeLiteral(type) {
  if (type.const !== undefined) return `'${type.const}'`;
  const prefix = /^\^((?:[^\\.^$]|\\\.)*)\.$/.exec(type.pattern ?? '');
  if (!prefix) throw new Error(`unsupported type pattern: ${JSON.stringify(type)}`);
  return `\`${prefix[1].replaceAll('\\.', '.')}\${string}\``;
}

function documented(event) {
  const { provider, type, family, data } = event.properties;
  const dataName = dataNames.get(refName(data.$ref));
  return `Documented<'${provider.const}', ${typeLiteral(type)}, '${family.const}', ${dataName}>`;
}

function section(group) {
  const provider = providerOf(group);
  const out = [RULE, `// ${NOTES[provider] ?? group.title}`, ''];
  const own = [...new Set(group.oneOf.map((event) => refName(event.properties.data.$ref)))];
  for (const name of own) {
    const definition = schema.$defs[name];
    out.push(...jsdoc(definition.description, ''));
    out.push(`export interface ${dataNames.get(name)} extends Extra {`, ...members(definition, '  '), '}', '');
  }
  const union = [];
  for (const event of group.oneOf) {
    if (event.properties.type.const !== undefined) {
      union.push(documented(event));
      continue;
    }
    const name = `${event.title}Event`;
    const examples = (event.properties.type.examples ?? []).map((example) => `\`${example}\`, `).join('');
    out.push(...jsdoc(`${examples}...`, ''), `export type ${name} = ${documented(event)};`);
    union.push(name);
  }
  if (out.at(-1) !== '') out.push('');
  out.push(`export type ${group.title} =`, ...union.map((member) => `  | ${member}`));
  out[out.length - 1] += ';';
  return [...out, ''].join('\n');
}

const documentedProviders = schema.oneOf.map(providerOf);
const providerIds = [...documentedProviders, ...UNTYPED_PROVIDERS].map((id) => `'${id}'`).join(' | ');

const text = `// Typed webhook events of hookshield: one discriminated union on \`type\` per provider.
//
// Generated: \`node bindings/node/scripts/gen-events-dts.mjs\` writes this file from
// crates/hookshield/schema/events.json, the JSON Schema the Rust core writes of its event
// types (crates/hookshield/src/events/, \`cargo run -p hookshield --features schema
// --example event_schema\`). Do not edit it: change the core's types or the script, then
// run both. CI fails when it is stale.
//
// Self-contained on purpose (no imports): the native package \`hookshield\` and the
// WebAssembly package \`@hookshield/wasm\` ship this same file.
//
// Where the field names come from: the providers' own webhook documents, as the Rust
// core types them. Identifiers the core requires are required here (data without one
// arrives untyped, \`data_mismatch\`); every other documented field may be absent or null,
// and fields a document does not show are kept (the index signatures), never dropped.
//
// Narrowing: an authentic delivery is never refused for its payload. What the core can
// type arrives documented (\`documented: true\`, \`untypedReason: null\`) with its documented
// data; anything else arrives as an \`UnknownEvent\` (\`documented: false\`) whose
// \`untypedReason\` says why: an undocumented type, data not matching the documented shape
// (so a documented type string can arrive untyped), no type in the body (\`type\` is ""),
// or a body that is not an object. Its \`data\` is any JSON. Because that member's \`type\`
// is \`string\`, TypeScript keeps it when you compare \`event.type\` with a literal; check
// \`event.documented\` first (a boolean discriminant) to narrow to exactly one documented
// event:
//
//   if (event.documented && event.type === 'document.failed') {
//     event.data.error_code; // string | null | undefined
//   }
//
// Without the \`documented\` check, \`event.data\` of \`event.type === 'document.failed'\` is
// that event's data or any JSON, so reading its fields does not type-check.

/** Any JSON value, as \`JSON.parse\` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The preset ids. */
export type ProviderId = ${providerIds};

/** Fields a provider's document does not show: kept as they arrived. */
export interface Extra {
  readonly [key: string]: unknown;
}

/**
 * Why an authentic event arrived untyped: a type hookshield has no data type for, data
 * not matching the documented shape, a body naming no type, or a body that is not an
 * object.
 */
export type UntypedReason = 'undocumented_type' | 'data_mismatch' | 'missing_type' | 'not_an_object';

/** What every verified event has. */
export interface EventBase<
  P extends ProviderId,
  T extends string,
  F extends string,
  D,
  Documented extends boolean,
  Reason extends UntypedReason | null = Documented extends true ? null : UntypedReason,
> {
  /** The provider that sent it. */
  readonly provider: P;
  /** The event type, e.g. \`document.completed\`. */
  readonly type: T;
  /** The documented group of the type, e.g. \`document\`, \`migration.phase\`, \`session\`. */
  readonly family: F;
  /** The provider's event id, where it sends one. */
  readonly id: string | null;
  /** When the event happened (from the envelope, or the timestamp header). */
  readonly timestamp: Date | null;
  /** The envelope's \`data\` (the whole body for senders without an envelope, such as GitHub). */
  readonly data: D;
  /** The whole parsed body. */
  readonly raw: JsonValue;
  /** The key that identifies this event across redeliveries. */
  readonly idempotencyKey: string;
  /** Whether the type is documented and \`data\` has its documented shape. */
  readonly documented: Documented;
  /** Why \`data\` is untyped, or null when it is typed (\`documented\`). */
  readonly untypedReason: Reason;
  /** What the core found, in words (e.g. "\`pages\`: invalid type: ..."), or null when typed. */
  readonly untypedDetail: Reason extends null ? null : string;
  /** Whether the type matches a subscription pattern: \`*\`, \`family.*\`, \`family/*\` or an exact type. */
  matches(pattern: string): boolean;
}

/** A documented event of provider \`P\`. */
export type Documented<P extends ProviderId, T extends string, F extends string, D> = EventBase<P, T, F, D, true>;

/**
 * The data of an untyped event: the JSON as sent, of any shape (\`null\` where the body has
 * no \`data\` member).
 */
export type UnknownData = JsonValue;

/**
 * An untyped event: a type the provider does not document (or any event of GitHub,
 * Standard Webhooks, custom), a documented type whose data does not match its documented
 * shape, a body naming no type, or a body that is not an object (see \`untypedReason\`).
 */
export type UnknownEvent<P extends ProviderId = ProviderId> = EventBase<P, string, string, UnknownData, false>;

${schema.oneOf.map(section).join('\n')}
${RULE}

/** The documented events of each provider. */
export interface DocumentedEvents {
${schema.oneOf.map((group) => `  ${providerOf(group)}: ${group.title};`).join('\n')}
${UNTYPED_PROVIDERS.map((id) => `  ${id}: never;`).join('\n')}
}

/** Every event a verifier for provider \`P\` can return. */
export type WebhookEvent<P extends ProviderId = ProviderId> = P extends ProviderId
  ? DocumentedEvents[P] | UnknownEvent<P>
  : never;

/** Every documented event type string of provider \`P\`. */
export type EventType<P extends ProviderId = ProviderId> = DocumentedEvents[P]['type'];
`;

if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('bindings/node/events.d.ts is stale: run node bindings/node/scripts/gen-events-dts.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}

//! The Lua scripts, one per step: each runs atomically on the server, and every finishing
//! step first checks the lease token. `KEYS` are named by their role (see the module
//! above); the keys of delivery hashes are made in the scripts from the prefix they get.

/// `KEYS`: the delivery's hash, stream, live. `ARGV`: key, provider, body, headers,
/// received time.
pub(super) const APPEND: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local entry = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1])
redis.call('HSET', KEYS[1], 'provider', ARGV[2], 'body', ARGV[3], 'headers', ARGV[4],
  'received_at', ARGV[5], 'state', 'pending', 'attempts', 0, 'entry', entry)
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
return 1";

/// "Now" in Unix milliseconds, by the Redis server's clock: every machine's workers
/// agree on when a lease ends or a retry is due.
macro_rules! now {
    () => {
        r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
"
    };
}

/// `KEYS`: stream, retry, leases. `ARGV`: group, consumer, lease ms, token, hash prefix.
/// Returns `{key, attempts, provider, body, headers, received time}` or nil.
pub(super) const CLAIM: &str = concat!(
    now!(),
    r"
local stream, retry, leases = KEYS[1], KEYS[2], KEYS[3]
local group, consumer, lease, token, hashes = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
redis.pcall('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
for _, key in ipairs(redis.call('ZRANGEBYSCORE', retry, '-inf', now, 'LIMIT', 0, 100)) do
  local entry = redis.call('XADD', stream, '*', 'k', key)
  redis.call('HSET', hashes .. key, 'entry', entry)
  redis.call('ZREM', retry, key)
end
local function grant(key)
  local hash = hashes .. key
  local attempts = redis.call('HINCRBY', hash, 'attempts', 1)
  redis.call('HSET', hash, 'state', 'in_flight', 'token', token)
  redis.call('ZADD', leases, now + lease, key)
  local stored = redis.call('HMGET', hash, 'provider', 'body', 'headers', 'received_at')
  return {key, attempts, stored[1], stored[2], stored[3], stored[4]}
end
-- A delivery whose lease ended: its stream entry passes to this consumer.
for _ = 1, 100 do
  local ended = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1)[1]
  if not ended then break end
  local hash = hashes .. ended
  local entry = redis.call('HGET', hash, 'entry')
  if redis.call('HGET', hash, 'state') == 'in_flight' and entry then
    redis.call('XCLAIM', stream, group, consumer, 0, entry, 'JUSTID')
    return grant(ended)
  end
  redis.call('ZREM', leases, ended)
end
-- Otherwise the next new entry; a stale one (its delivery finished, or moved to a newer
-- entry) is dropped.
for _ = 1, 100 do
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', stream, '>')
  if not read then return nil end
  local entry = read[1][2][1]
  local id, key = entry[1], entry[2][2]
  local hash = hashes .. key
  if redis.call('HGET', hash, 'entry') == id and redis.call('HGET', hash, 'state') == 'pending' then
    return grant(key)
  end
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end
return nil"
);

/// The start of every finishing script: `KEYS[1]` the hash, `KEYS[2]` the stream,
/// `KEYS[3]` the leases, `ARGV[1]` the lease token, `ARGV[2]` the group, `ARGV[3]` the
/// key. Stops with 0 unless the token still holds the delivery, then acknowledges and
/// deletes its stream entry and ends the lease.
macro_rules! held {
    () => {
        r"
if redis.call('HGET', KEYS[1], 'state') ~= 'in_flight' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
local entry = redis.call('HGET', KEYS[1], 'entry')
redis.call('XACK', KEYS[2], ARGV[2], entry)
redis.call('XDEL', KEYS[2], entry)
redis.call('HDEL', KEYS[1], 'token')
redis.call('ZREM', KEYS[3], ARGV[3])
"
    };
}

/// `KEYS`: hash, stream, leases, live, done. `ARGV`: token, group, key, retention ms.
pub(super) const COMPLETE: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HDEL', KEYS[1], 'body', 'headers')
redis.call('HSET', KEYS[1], 'state', 'done', 'finished_at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[4]), ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
return 1"
);

/// `KEYS`: hash, stream, leases, retry. `ARGV`: token, group, key, delay ms, error.
pub(super) const RETRY: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HSET', KEYS[1], 'state', 'pending', 'last_error', ARGV[5])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[4]), ARGV[3])
return 1"
);

/// `KEYS`: hash, stream, leases, live, dead. `ARGV`: token, group, key, error.
pub(super) const BURY: &str = concat!(
    held!(),
    now!(),
    r"
redis.call('HSET', KEYS[1], 'state', 'dead', 'last_error', ARGV[4], 'finished_at', now)
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('ZADD', KEYS[5], now, ARGV[3])
return 1"
);

/// `KEYS`: hash, stream, leases. `ARGV`: token, group, key.
pub(super) const RELEASE: &str = concat!(
    held!(),
    r"
local next = redis.call('XADD', KEYS[2], '*', 'k', ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'pending', 'entry', next)
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
return 1"
);

/// `KEYS`: leases, live, done, dead.
/// Returns `{in flight, live, done, dead, the oldest's age in ms or -1}`.
pub(super) const STATS: &str = concat!(
    now!(),
    r"
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
local age = -1
if oldest then age = math.max(now - tonumber(oldest), 0) end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]), age}"
);

/// `KEYS`: dead. `ARGV`: hash prefix, limit. Returns `{key, provider, attempts, error,
/// failed at}` per dead letter, flattened.
pub(super) const DEAD_LETTERS: &str = r"
local letters = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  local d = redis.call('HMGET', ARGV[1] .. key, 'provider', 'attempts', 'last_error', 'finished_at')
  for _, value in ipairs({key, d[1] or '', d[2] or '0', d[3] or '', d[4] or '0'}) do
    table.insert(letters, value)
  end
end
return letters";

/// `KEYS`: stream, live, dead. `ARGV`: hash prefix, `all` or `keys`, the keys...
pub(super) const REPLAY: &str = r"
local keys = {}
if ARGV[2] == 'all' then keys = redis.call('ZRANGE', KEYS[3], 0, -1) else
  for i = 3, #ARGV do table.insert(keys, ARGV[i]) end
end
local replayed = 0
for _, key in ipairs(keys) do
  if redis.call('ZREM', KEYS[3], key) == 1 then
    local hash = ARGV[1] .. key
    local entry = redis.call('XADD', KEYS[1], '*', 'k', key)
    redis.call('HSET', hash, 'state', 'pending', 'attempts', 0, 'entry', entry)
    redis.call('HDEL', hash, 'finished_at')
    redis.call('ZADD', KEYS[2], redis.call('HGET', hash, 'received_at'), key)
    replayed = replayed + 1
  end
end
return replayed";

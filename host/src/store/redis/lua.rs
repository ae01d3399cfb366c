//! The Lua scripts the Redis store runs. Each touches keys of one hash tag only (one cluster
//! slot), so each runs atomically on one node; the key of that tag is always `KEYS[1]`, and the
//! other keys a script touches are built from `ARGV[1]`, the account's key prefix, which carries
//! the same hash tag.

/// Applies velocity operations to one entity hash, in order, with the semantics of
/// [`apply_ops`](super::super::entities::apply_ops).
///
/// `KEYS[1]`: the entity hash. `ARGV`: quadruples `op, field, value, extra` with `op` one of
/// `i` (incr), `<` (min), `>` (max), `d` (delete; value ignored) and `m` (add member: `field` is
/// the set's count field, `value` the member, `extra` the cap). Values are canonical decimal
/// `i64`s; unused slots are empty.
///
/// Min and max compare the decimal strings rather than Lua numbers, which are doubles and would
/// round values above 2^53. An increment that overflows saturates, as `saturating_add` does,
/// instead of failing halfway through the list. Running in one script is also what keeps a
/// capped set's cap exact when two replicas add members at once.
pub const ENTITY_OPS: &str = r#"
local k = KEYS[1]
local function less(a, b)
  local na, nb = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'
  if na ~= nb then return na end
  if #a ~= #b then
    if na then return #a > #b end
    return #a < #b
  end
  if na then return a > b end
  return a < b
end
for i = 1, #ARGV, 4 do
  local op, f, v = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if op == 'i' then
    local r = redis.pcall('HINCRBY', k, f, v)
    if type(r) == 'table' and r.err then
      if not string.find(r.err, 'overflow', 1, true) then return redis.error_reply(r.err) end
      if string.sub(v, 1, 1) == '-' then r = '-9223372036854775808' else r = '9223372036854775807' end
      redis.call('HSET', k, f, r)
    elseif r == 0 then
      redis.call('HDEL', k, f)
    end
  elseif op == '<' or op == '>' then
    local cur = redis.call('HGET', k, f)
    if not cur or (op == '<' and less(v, cur)) or (op == '>' and less(cur, v)) then
      redis.call('HSET', k, f, v)
    end
  elseif op == 'd' then
    redis.call('HDEL', k, f)
  elseif op == 'm' then
    local member = f .. ':' .. v
    if redis.call('HEXISTS', k, member) == 0 then
      local count = tonumber(redis.call('HGET', k, f) or '0')
      if count < tonumber(ARGV[i + 3]) then
        redis.call('HSET', k, member, 1)
        redis.call('HINCRBY', k, f, 1)
      end
    end
  else
    return redis.error_reply('unknown velocity op ' .. op)
  end
end
return 1
"#;

/// Applies one batch's object writes, deletes and idempotency record for one account.
///
/// `KEYS[1]`: the account's sequence counter. `ARGV[1]`: the account's key prefix
/// (`<prefix>{<account>}:`). Then records, each a tag and its fields: `fence id token` (the
/// lock on `id` must still hold `token`; fences come first, so that a lost lock fails the
/// script with a `LOCKLOST` error before anything is written), `put kind id created has_tag tag
/// body`, `del kind id`,
/// `idem key fingerprint status body created expires` (the record expires at `expires`, Unix
/// seconds).
///
/// An upsert keeps the object's sequence (its place in lists) and moves it between tag indexes
/// when its tag changes; that needs a read before the write, hence a script and not MULTI/EXEC.
pub const COMMIT_DOCS: &str = r#"
local base = ARGV[1]
local i = 2
while i <= #ARGV do
  local rec = ARGV[i]
  if rec == 'fence' then
    if redis.call('GET', base .. 'lock:' .. ARGV[i + 1]) ~= ARGV[i + 2] then
      return redis.error_reply('LOCKLOST ' .. ARGV[i + 1])
    end
    i = i + 3
  elseif rec == 'put' then
    local kind, id, created, has_tag, tag, body =
      ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
    i = i + 7
    local dk = base .. 'doc:' .. kind .. ':' .. id
    local idx = base .. 'idx:' .. kind
    local old = redis.call('HMGET', dk, 'seq', 'tag')
    local seq = old[1]
    if not seq then
      seq = redis.call('INCR', KEYS[1])
    elseif old[2] then
      redis.call('ZREM', idx .. ':' .. old[2], id)
    end
    redis.call('HSET', dk, 'created', created, 'body', body, 'seq', seq)
    redis.call('ZADD', idx, seq, id)
    if has_tag == '1' then
      redis.call('HSET', dk, 'tag', tag)
      redis.call('ZADD', idx .. ':' .. tag, seq, id)
    else
      redis.call('HDEL', dk, 'tag')
    end
  elseif rec == 'del' then
    local kind, id = ARGV[i + 1], ARGV[i + 2]
    i = i + 3
    local dk = base .. 'doc:' .. kind .. ':' .. id
    local idx = base .. 'idx:' .. kind
    local old = redis.call('HMGET', dk, 'seq', 'tag')
    if old[1] then
      redis.call('ZREM', idx, id)
      if old[2] then redis.call('ZREM', idx .. ':' .. old[2], id) end
      redis.call('DEL', dk)
    end
  elseif rec == 'idem' then
    local ik = base .. 'idem:' .. ARGV[i + 1]
    redis.call('HSET', ik,
      'fingerprint', ARGV[i + 2], 'status', ARGV[i + 3], 'body', ARGV[i + 4], 'created', ARGV[i + 5])
    redis.call('EXPIREAT', ik, ARGV[i + 6])
    i = i + 7
  else
    return redis.error_reply('unknown record ' .. rec)
  end
end
return 1
"#;

/// A page of one kind, read in one consistent step.
///
/// `KEYS`: the indexes to walk (the kind's, or one per tag asked for: the page merges them by
/// score, which is the insertion order). `ARGV`: account key prefix, kind, direction (`''` from
/// the newest, `after` older than the cursor, `before` newer than it), cursor id, how many, then
/// the creation range (`lo`, `hi`, Unix seconds, both included; `''` for none) and the slack.
/// Returns flat quintuples `id created has_tag tag body`, in index order (newest first, or
/// oldest first for `before`). A cursor that names no object gives nothing, as in the SQLite
/// store.
///
/// With a creation range, each index (in insertion order, which creation times follow up to the
/// slack) is searched by rank for where the range starts, then walked a chunk at a time, each
/// object checked against the range, until the page is full or the walk is a slack past the
/// range's far end: the objects read are those of the page and of the slack, not the index.
pub const LIST: &str = r#"
local base, kind, dir, cursor, n = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local lo, hi, slack = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]) or 0
local prefix = base .. 'doc:' .. kind .. ':'
local seq
if dir ~= '' then
  seq = redis.call('HGET', prefix .. cursor, 'seq')
  if not seq then return {} end
end
local function read(id)
  return redis.call('HMGET', prefix .. id, 'created', 'tag', 'body')
end
-- Up to n objects of one index, as {score, id, fields}, in page order.
local function collect(idx)
  local got = {}
  if not lo and not hi then
    local ids
    if dir == '' then
      ids = redis.call('ZREVRANGEBYSCORE', idx, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, n)
    elseif dir == 'after' then
      ids = redis.call('ZREVRANGEBYSCORE', idx, '(' .. seq, '-inf', 'WITHSCORES', 'LIMIT', 0, n)
    else
      ids = redis.call('ZRANGEBYSCORE', idx, '(' .. seq, '+inf', 'WITHSCORES', 'LIMIT', 0, n)
    end
    for i = 1, #ids, 2 do
      local d = read(ids[i])
      if d[1] then got[#got + 1] = {tonumber(ids[i + 1]), ids[i], d} end
    end
    return got
  end
  local from_t, to_t = lo or -math.huge, hi or math.huge
  local total = redis.call('ZCARD', idx)
  local function created_at(rank)
    local id = redis.call('ZRANGE', idx, rank, rank)[1]
    return tonumber(redis.call('HGET', prefix .. id, 'created')) or 0
  end
  -- The first rank whose object was created after `t` (insertion order follows creation).
  local function first_after(t)
    local a, b = 0, total
    while a < b do
      local m = math.floor((a + b) / 2)
      if created_at(m) <= t then a = m + 1 else b = m end
    end
    return a
  end
  local step, from, to = -1, total - 1, 0
  if dir == 'before' then
    step, from, to = 1, redis.call('ZCOUNT', idx, '-inf', seq), total - 1
    if from_t > -math.huge then from = math.max(from, first_after(from_t - slack - 1)) end
  else
    if dir == 'after' then from = redis.call('ZCOUNT', idx, '-inf', '(' .. seq) - 1 end
    if to_t < math.huge then from = math.min(from, first_after(to_t + slack) - 1) end
  end
  local rank = from
  while #got < n and (rank - to) * step <= 0 do
    local a, b = rank, rank + step * (n - 1)
    if (b - to) * step > 0 then b = to end
    local ids = redis.call('ZRANGE', idx, math.min(a, b), math.max(a, b), 'WITHSCORES')
    local count = #ids / 2
    local i, last = 1, count
    if step < 0 then i, last = count, 1 end
    while (last - i) * step >= 0 do
      local id = ids[2 * i - 1]
      local d = read(id)
      local c = tonumber(d[1])
      if c then
        if (step < 0 and c < from_t - slack) or (step > 0 and c > to_t + slack) then return got end
        if c >= from_t and c <= to_t then
          got[#got + 1] = {tonumber(ids[2 * i]), id, d}
          if #got >= n then return got end
        end
      end
      i = i + step
    end
    rank = b + step
  end
  return got
end
local all = {}
for _, idx in ipairs(KEYS) do
  for _, e in ipairs(collect(idx)) do all[#all + 1] = e end
end
if #KEYS > 1 then
  if dir == 'before' then
    table.sort(all, function(x, y) return x[1] < y[1] end)
  else
    table.sort(all, function(x, y) return x[1] > y[1] end)
  end
end
local out = {}
for i = 1, math.min(#all, n) do
  local id, d = all[i][2], all[i][3]
  out[#out + 1] = id
  out[#out + 1] = d[1]
  if d[2] then
    out[#out + 1] = '1'
    out[#out + 1] = d[2]
  else
    out[#out + 1] = '0'
    out[#out + 1] = ''
  end
  out[#out + 1] = d[3]
end
return out
"#;

/// Releases a lock if its token still holds it (a lock whose lease ran out may have been taken
/// by another server since). `KEYS[1]`: the lock; `ARGV[1]`: the token.
pub const UNLOCK: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"#;

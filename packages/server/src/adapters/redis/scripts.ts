// The Redis adapter's Lua scripts. Each runs atomically in Redis, so a session's record, its rooms,
// its owner and the cluster stream never disagree, whichever node writes. Every script takes the key
// prefix as ARGV[1] and builds its keys from it (one Redis, not Redis Cluster). Every script that
// adds to the stream takes its MAXLEN as ARGV[2].
//
// Keys, with prefix P (default `unisocket:`):
//   P bus      stream: the cluster's ordered operations (see stream.ts), trimmed to about MAXLEN entries.
//              Every node reads it and sends the frames of the sessions it owns: one entry per
//              broadcast, whatever the number of sessions it reaches.
//   P s:ID     hash of session ID: h (secret hash), o (owner node), rcid, rooms (JSON array, join order),
//              d (data, JSON), det (1 = detached), cp (checkpoints, JSON: [[seq, stream id, rooms], …],
//              written by the owner now and then, from which any node computes the session's frames again)
//   P r:ROOM   sorted set: the room's sessions, scored by join order
//   P all      sorted set: every session, scored by creation order
//   P order    counter behind those scores
//   P leases   sorted set: every session, scored by when its record expires (ms)
//   P joined   hash: the rooms (JSON) of every session in one, kept past its record's expiry
// Session records expire: attached sessions' are leased by their owner (refreshed while it lives),
// detached ones last the detached TTL. A session whose record expired (its owner died) is swept out of
// its rooms and `all` by the next broadcast or lookup (`sweep`, from `leases` and `joined`), so a room's
// size is its number of sessions and a broadcast counts them in O(1).

const PRELUDE = `
local P = ARGV[1]
local ALL = P .. 'all'
local BUS = P .. 'bus'
local LEASES = P .. 'leases'
local JOINED = P .. 'joined'
local function skey(id) return P .. 's:' .. id end
local function rkey(room) return P .. 'r:' .. room end
local function roomsOf(json)
  if not json or json == '' then return {} end
  return cjson.decode(json)
end
local function encodeRooms(list)
  if #list == 0 then return '[]' end
  return cjson.encode(list)
end
local function add(...)
  return redis.call('XADD', BUS, 'MAXLEN', '~', ARGV[2], '*', ...)
end
local clock
local function now()
  if not clock then
    local time = redis.call('TIME')
    clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  end
  return clock
end
-- Sets when session id's record expires.
local function expireIn(id, ms)
  redis.call('PEXPIRE', skey(id), ms)
  redis.call('ZADD', LEASES, now() + tonumber(ms), id)
end
-- Saves the rooms of a session (for the sweep).
local function saveRooms(id, json)
  if json == '[]' then redis.call('HDEL', JOINED, id) else redis.call('HSET', JOINED, id, json) end
end
-- Removes a session: its memberships and its record.
local function drop(id, roomsJson)
  for _, room in ipairs(roomsOf(roomsJson)) do redis.call('ZREM', rkey(room), id) end
  redis.call('ZREM', ALL, id)
  redis.call('ZREM', LEASES, id)
  redis.call('HDEL', JOINED, id)
  redis.call('DEL', skey(id))
end
-- Sessions whose record expired (their owner stopped renewing it) leave their rooms and \`all\`.
local function sweep()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now(), 'LIMIT', 0, 100)) do
    local ttl = redis.call('PTTL', skey(id))
    if ttl > 0 then redis.call('ZADD', LEASES, now() + ttl, id) else drop(id, redis.call('HGET', JOINED, id)) end
  end
end
`;

/**
 * Target selection shared by fan-out and lookups: ARGV from `at` holds a count of rooms, the rooms,
 * a count of excepted rooms, those. A name that is no room but a session id stands for that session.
 * Returns ids in order (rooms in the order given, each in join order; no rooms: every session),
 * each once, with the sorted set each came from (for removing expired ones).
 */
const SELECT = `
local function members(name)
  local key = rkey(name)
  if redis.call('EXISTS', key) == 1 then return redis.call('ZRANGE', key, 0, -1), key end
  if redis.call('EXISTS', skey(name)) == 1 then return {name}, nil end
  return {}, nil
end
local function select(at)
  local nRooms = tonumber(ARGV[at])
  local nExcept = tonumber(ARGV[at + nRooms + 1])
  local excluded = {}
  for i = 1, nExcept do
    local ids = members(ARGV[at + nRooms + 1 + i])
    for _, id in ipairs(ids) do excluded[id] = true end
  end
  local ids, sources, seen = {}, {}, {}
  local function take(list, source)
    for _, id in ipairs(list) do
      if not seen[id] then
        seen[id] = true
        if not excluded[id] then
          ids[#ids + 1] = id
          sources[#ids] = source
        end
      end
    end
  end
  if nRooms == 0 then
    take(redis.call('ZRANGE', ALL, 0, -1), ALL)
  else
    for i = 1, nRooms do take(members(ARGV[at + i])) end
  end
  return ids, sources
end
-- A selected id whose session expired: forget it where it was found.
local function forget(id, source)
  if source then redis.call('ZREM', source, id) end
  redis.call('ZREM', ALL, id)
end
`;

/**
 * ARGV: P, maxLen, tail, bytes, then the target (see SELECT). One stream entry for the sessions the
 * target reaches (none when it reaches none); every owner node sends it to its own. Returns how many
 * sessions it reached.
 */
export const BROADCAST = `${PRELUDE}${SELECT}
sweep()
local nRooms = tonumber(ARGV[5])
local nExcept = tonumber(ARGV[6 + nRooms])
-- Swept, a room's size is its number of sessions: the common targets are counted in O(1).
local reached
if nExcept == 0 and nRooms == 0 then
  reached = redis.call('ZCARD', ALL)
elseif nExcept == 0 and nRooms == 1 and redis.call('EXISTS', rkey(ARGV[6])) == 1 then
  reached = redis.call('ZCARD', rkey(ARGV[6]))
else
  reached = #select(5)
end
if reached > 0 then
  local rooms, except = '', ''
  if nRooms > 0 then rooms = cjson.encode({unpack(ARGV, 6, 5 + nRooms)}) end
  if nExcept > 0 then except = cjson.encode({unpack(ARGV, 7 + nRooms, 6 + nRooms + nExcept)}) end
  add('k', 'b', 'a', ARGV[3], 'b', ARGV[4], 'c', rooms, 'd', except)
end
return reached
`;

/** ARGV: P, maxLen, id, secretHash, node, data, leaseMs. Errors when the id is taken. Returns the stream id of its `c` entry. */
export const CREATE = `${PRELUDE}
local id = ARGV[3]
local key = skey(id)
if redis.call('EXISTS', key) == 1 then return redis.error_reply('session id ' .. id .. ' is taken') end
local pos = add('k', 'c', 'a', id, 'b', ARGV[5])
redis.call('HSET', key, 'h', ARGV[4], 'o', ARGV[5], 'rcid', 0, 'rooms', '[]', 'd', ARGV[6], 'det', 0, 'cp', '[[0,"' .. pos .. '",[]]]')
expireIn(id, ARGV[7])
redis.call('ZADD', ALL, redis.call('INCR', P .. 'order'), id)
return pos
`;

/** ARGV: P, maxLen, id, secretHash. The checkpoints of the session (JSON), or nil for an unknown id or a wrong secret. */
export const PEEK = `${PRELUDE}
local session = redis.call('HMGET', skey(ARGV[3]), 'h', 'cp')
if not session[1] or session[1] ~= ARGV[4] then return false end
return session[2]
`;

/**
 * ARGV: P, maxLen, id, secretHash, node, leaseMs. Takes the session over for node (an `o` entry tells
 * its previous owner): nil for an unknown id or a wrong secret, else [previous owner, rcid, data].
 */
export const TAKE = `${PRELUDE}
local id, node = ARGV[3], ARGV[5]
local key = skey(id)
local session = redis.call('HMGET', key, 'h', 'o', 'rcid', 'd')
if not session[1] or session[1] ~= ARGV[4] then return false end
add('k', 'o', 'a', id, 'b', node)
redis.call('HSET', key, 'o', node, 'det', 0)
expireIn(id, ARGV[6])
return {session[2], session[3], session[4]}
`;

/** ARGV: P, maxLen, id. Ends a session whose resume found a gap; an `e` entry tells its owner. Returns that owner ('' when gone). */
export const GAP = `${PRELUDE}
local id = ARGV[3]
local session = redis.call('HMGET', skey(id), 'o', 'rooms')
if not session[1] then return '' end
drop(id, session[2])
add('k', 'e', 'a', id, 'b', 'gap', 'c', session[1])
return session[1]
`;

/** ARGV: P, maxLen, id, cid. 1 when cid is above the session's rcid (now recorded), else 0. */
export const CLAIM = `${PRELUDE}
local key = skey(ARGV[3])
local rcid = redis.call('HGET', key, 'rcid')
if not rcid or tonumber(ARGV[4]) <= tonumber(rcid) then return 0 end
redis.call('HSET', key, 'rcid', ARGV[4])
return 1
`;

/** ARGV: P, maxLen, id, room, join ('1') or leave ('0'). A change goes to the stream too (`j`, `l`). */
export const MEMBERSHIP = `${PRELUDE}
local id, room = ARGV[3], ARGV[4]
local key = skey(id)
local json = redis.call('HGET', key, 'rooms')
if not json then return 0 end
local rooms = roomsOf(json)
local at
for i, name in ipairs(rooms) do if name == room then at = i end end
if ARGV[5] == '1' then
  if at then return 0 end
  rooms[#rooms + 1] = room
  redis.call('ZADD', rkey(room), redis.call('INCR', P .. 'order'), id)
  add('k', 'j', 'a', id, 'b', room)
else
  if not at then return 0 end
  table.remove(rooms, at)
  redis.call('ZREM', rkey(room), id)
  add('k', 'l', 'a', id, 'b', room)
end
local encoded = encodeRooms(rooms)
redis.call('HSET', key, 'rooms', encoded)
saveRooms(id, encoded)
return 1
`;

/**
 * ARGV: P, maxLen, id, node, mode, data, ttlMs. Only the owner changes its session: mode `detach`
 * saves data and starts the detached TTL, `update` saves data, `end` removes the session, `expire`
 * removes it if it is still detached (1; 0 when it is attached or owned elsewhere; -1 when it is gone already).
 */
export const OWNED = `${PRELUDE}
local id, node, mode = ARGV[3], ARGV[4], ARGV[5]
local key = skey(id)
local session = redis.call('HMGET', key, 'o', 'det', 'rooms')
if not session[1] then return -1 end
if session[1] ~= node then return 0 end
if mode == 'update' then
  redis.call('HSET', key, 'd', ARGV[6])
elseif mode == 'detach' then
  redis.call('HSET', key, 'd', ARGV[6], 'det', 1)
  expireIn(id, ARGV[7])
elseif mode == 'end' or (mode == 'expire' and session[2] == '1') then
  drop(id, session[3])
else
  return 0
end
return 1
`;

/**
 * ARGV: P, maxLen, node, ttlMs, mode, ids... For each session still owned by node: mode `lease` sets
 * the TTL of its record (attached sessions, refreshed while the node lives); mode `detach` marks
 * attached ones detached with that TTL (the node closes).
 */
export const LEASE = `${PRELUDE}
local node, ttl, mode = ARGV[3], ARGV[4], ARGV[5]
for i = 6, #ARGV do
  local key = skey(ARGV[i])
  local session = redis.call('HMGET', key, 'o', 'det')
  if session[1] == node and session[2] ~= '1' then
    if mode == 'detach' then redis.call('HSET', key, 'det', 1) end
    expireIn(ARGV[i], ttl)
  end
end
return 1
`;

/** ARGV: P, maxLen, node, then pairs of id and checkpoints (JSON): saved for the sessions node still owns. */
export const CHECKPOINT = `${PRELUDE}
local node = ARGV[3]
for i = 4, #ARGV, 2 do
  local key = skey(ARGV[i])
  if redis.call('HGET', key, 'o') == node then redis.call('HSET', key, 'cp', ARGV[i + 1]) end
end
return 1
`;

/** ARGV: P, maxLen, target (see SELECT from ARGV[3]). Returns id, rooms JSON, data JSON for each session, flat. */
export const FETCH = `${PRELUDE}${SELECT}
sweep()
local ids, sources = select(3)
local out = {}
for i, id in ipairs(ids) do
  local session = redis.call('HMGET', skey(id), 'rooms', 'd')
  if session[1] then
    out[#out + 1] = id
    out[#out + 1] = session[1]
    out[#out + 1] = session[2] or ''
  else
    forget(id, sources[i])
  end
end
return out
`;

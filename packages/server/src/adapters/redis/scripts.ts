// The Redis adapter's Lua scripts. Each runs atomically in Redis, so a session's `seq`, its log, its
// rooms and its owner never disagree, whichever node writes. Every script takes the key prefix as
// ARGV[1] and builds its keys from it (one Redis, not Redis Cluster: a broadcast touches the keys of
// every session it reaches).
//
// Keys, with prefix P (default `unisocket:`):
//   P s:ID     hash of session ID: h (secret hash), o (owner node), seq, rcid, first (oldest seq still
//              in the log), bytes (log bytes), rooms (JSON array, join order), d (data, JSON), det (1 = detached)
//   P l:ID     stream: the session's log, entry id `SEQ-0`, fields t (frame tail) and b (its bytes)
//   P r:ROOM   sorted set: the room's sessions, scored by join order
//   P all      sorted set: every session, scored by creation order
//   P order    counter behind those scores
//   P n:NODE   pub/sub channel of node NODE: `d` deliveries, `r` releases (see messages.ts)
// Every session key expires: attached sessions' keys are leased by their owner (refreshed while it
// lives), detached ones last the detached TTL. Room and `all` entries of expired sessions are removed
// when a broadcast or a lookup meets them.

const PRELUDE = `
local P = ARGV[1]
local ALL = P .. 'all'
local function skey(id) return P .. 's:' .. id end
local function lkey(id) return P .. 'l:' .. id end
local function rkey(room) return P .. 'r:' .. room end
local function roomsOf(json)
  if not json or json == '' then return {} end
  return cjson.decode(json)
end
local function encodeRooms(list)
  if #list == 0 then return '[]' end
  return cjson.encode(list)
end
local function publish(node, message)
  if node then redis.call('PUBLISH', P .. 'n:' .. node, message) end
end
-- Removes a session: its memberships, its record and its log.
local function drop(id, roomsJson)
  for _, room in ipairs(roomsOf(roomsJson)) do redis.call('ZREM', rkey(room), id) end
  redis.call('ZREM', ALL, id)
  redis.call('DEL', skey(id), lkey(id))
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
 * ARGV: P, tail, bytes, maxFrames, maxBytes, slackFrames, slackBytes, mode, then for mode `one` the
 * session id, for mode `rooms` the target (see SELECT). Appends the frame to the log of every session
 * reached (write-ahead: before any node sends it) and publishes one delivery message per owner node.
 * Returns how many sessions it reached.
 */
export const FAN_OUT = `${PRELUDE}${SELECT}
local tail, size = ARGV[2], tonumber(ARGV[3])
local maxFrames, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
local slackFrames, slackBytes = tonumber(ARGV[6]), tonumber(ARGV[7])
local ids, sources
if ARGV[8] == 'one' then ids, sources = {ARGV[9]}, {} else ids, sources = select(9) end

-- The physical log may run over the window by the slack, so trimming is paid once per slack of
-- appends rather than on each; resume checks the exact window.
local function trim(log, seq, first, total)
  while (seq - first + 1 > maxFrames or total > maxBytes) and first <= seq do
    local entries = redis.call('XRANGE', log, first .. '-0', '+', 'COUNT', 64)
    if #entries == 0 then break end
    for _, entry in ipairs(entries) do
      if seq - first + 1 <= maxFrames and total <= maxBytes then break end
      total = total - tonumber(entry[2][4])
      first = tonumber(string.match(entry[1], '^%d+')) + 1
    end
  end
  redis.call('XTRIM', log, 'MINID', first .. '-0')
  return first, total
end

local byOwner, owners, reached = {}, {}, 0
for i, id in ipairs(ids) do
  local key = skey(id)
  local session = redis.call('HMGET', key, 'o', 'seq', 'first', 'bytes')
  if session[1] then
    local seq = tonumber(session[2]) + 1
    local first, total = tonumber(session[3]), tonumber(session[4]) + size
    local log = lkey(id)
    redis.call('XADD', log, seq .. '-0', 't', tail, 'b', size)
    if seq == 1 then
      local ttl = redis.call('PTTL', key)
      if ttl > 0 then redis.call('PEXPIRE', log, ttl) end
    end
    if seq - first + 1 > maxFrames + slackFrames or total > maxBytes + slackBytes then
      first, total = trim(log, seq, first, total)
    end
    redis.call('HSET', key, 'seq', seq, 'first', first, 'bytes', total)
    local list = byOwner[session[1]]
    if not list then
      list = {size}
      byOwner[session[1]] = list
      owners[#owners + 1] = session[1]
    end
    list[#list + 1] = id
    list[#list + 1] = seq
    reached = reached + 1
  elseif ARGV[8] ~= 'one' then
    forget(id, sources[i])
  end
end
for _, owner in ipairs(owners) do publish(owner, 'd' .. cjson.encode(byOwner[owner]) .. '\\n' .. tail) end
return reached
`;

/** ARGV: P, id, secretHash, node, data, leaseMs. Errors when the id is taken. */
export const CREATE = `${PRELUDE}
local id = ARGV[2]
local key = skey(id)
if redis.call('EXISTS', key) == 1 then return redis.error_reply('session id ' .. id .. ' is taken') end
redis.call('HSET', key, 'h', ARGV[3], 'o', ARGV[4], 'seq', 0, 'rcid', 0, 'first', 1, 'bytes', 0, 'rooms', '[]', 'd', ARGV[5], 'det', 0)
redis.call('PEXPIRE', key, ARGV[6])
redis.call('ZADD', ALL, redis.call('INCR', P .. 'order'), id)
return 1
`;

/**
 * ARGV: P, id, secretHash, lastSeq, node, maxFrames, maxBytes, leaseMs. Takes the session over: nil
 * for an unknown id or a wrong secret; ['gap', owner] (and the session ended, its owner told) when its
 * log no longer holds every frame after lastSeq; else [seq, rcid, rooms, data, tail...] of the frames after lastSeq.
 */
export const RESUME = `${PRELUDE}
local id, lastSeq, node = ARGV[2], tonumber(ARGV[4]), ARGV[5]
local maxFrames, maxBytes = tonumber(ARGV[6]), tonumber(ARGV[7])
local key, log = skey(id), lkey(id)
local session = redis.call('HMGET', key, 'h', 'o', 'seq', 'rcid', 'rooms', 'd')
if not session[1] or session[1] ~= ARGV[3] then return false end
local seq = tonumber(session[3])
local entries = {}
local whole = lastSeq >= 0 and lastSeq <= seq and seq - lastSeq <= maxFrames
if whole and lastSeq < seq then
  entries = redis.call('XRANGE', log, (lastSeq + 1) .. '-0', '+')
  whole = #entries == seq - lastSeq
  local total = 0
  for _, entry in ipairs(entries) do total = total + tonumber(entry[2][4]) end
  whole = whole and total <= maxBytes
end
if not whole then
  drop(id, session[5])
  publish(session[2], 'r' .. cjson.encode({id, 'gap'}))
  return {'gap', session[2]}
end
redis.call('HSET', key, 'o', node, 'det', 0)
redis.call('PEXPIRE', key, ARGV[8])
redis.call('PEXPIRE', log, ARGV[8])
if session[2] ~= node then publish(session[2], 'r' .. cjson.encode({id, 'moved'})) end
local out = {tostring(seq), session[4], session[5], session[6]}
for _, entry in ipairs(entries) do out[#out + 1] = entry[2][2] end
return out
`;

/** ARGV: P, id, cid. 1 when cid is above the session's rcid (now recorded), else 0. */
export const CLAIM = `${PRELUDE}
local key = skey(ARGV[2])
local rcid = redis.call('HGET', key, 'rcid')
if not rcid or tonumber(ARGV[3]) <= tonumber(rcid) then return 0 end
redis.call('HSET', key, 'rcid', ARGV[3])
return 1
`;

/** ARGV: P, id, room, join ('1') or leave ('0'). */
export const MEMBERSHIP = `${PRELUDE}
local id, room = ARGV[2], ARGV[3]
local key = skey(id)
local json = redis.call('HGET', key, 'rooms')
if not json then return 0 end
local rooms = roomsOf(json)
local at
for i, name in ipairs(rooms) do if name == room then at = i end end
if ARGV[4] == '1' then
  if at then return 0 end
  rooms[#rooms + 1] = room
  redis.call('ZADD', rkey(room), redis.call('INCR', P .. 'order'), id)
else
  if not at then return 0 end
  table.remove(rooms, at)
  redis.call('ZREM', rkey(room), id)
end
redis.call('HSET', key, 'rooms', encodeRooms(rooms))
return 1
`;

/**
 * ARGV: P, id, node, mode, data, ttlMs. Only the owner changes its session: mode `detach` saves data
 * and starts the detached TTL, `update` saves data, `end` removes the session, `expire` removes it if it
 * is still detached (1; 0 when it is attached or owned elsewhere; -1 when it is gone already).
 */
export const OWNED = `${PRELUDE}
local id, node, mode = ARGV[2], ARGV[3], ARGV[4]
local key = skey(id)
local session = redis.call('HMGET', key, 'o', 'det', 'rooms')
if not session[1] then return -1 end
if session[1] ~= node then return 0 end
if mode == 'update' then
  redis.call('HSET', key, 'd', ARGV[5])
elseif mode == 'detach' then
  redis.call('HSET', key, 'd', ARGV[5], 'det', 1)
  redis.call('PEXPIRE', key, ARGV[6])
  redis.call('PEXPIRE', lkey(id), ARGV[6])
elseif mode == 'end' or (mode == 'expire' and session[2] == '1') then
  drop(id, session[3])
else
  return 0
end
return 1
`;

/**
 * ARGV: P, node, ttlMs, mode, ids... For each session still owned by node: mode `lease` sets the TTL of
 * its keys (attached sessions, refreshed while the node lives); mode `detach` marks attached ones
 * detached with that TTL (the node closes).
 */
export const LEASE = `${PRELUDE}
local node, ttl, mode = ARGV[2], ARGV[3], ARGV[4]
for i = 5, #ARGV do
  local key = skey(ARGV[i])
  local session = redis.call('HMGET', key, 'o', 'det')
  if session[1] == node and session[2] ~= '1' then
    if mode == 'detach' then redis.call('HSET', key, 'det', 1) end
    redis.call('PEXPIRE', key, ttl)
    redis.call('PEXPIRE', lkey(ARGV[i]), ttl)
  end
end
return 1
`;

/** ARGV: P, target (see SELECT from ARGV[2]). Returns id, rooms JSON, data JSON for each session, flat. */
export const FETCH = `${PRELUDE}${SELECT}
local ids, sources = select(2)
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

/**
 * ARGV: P, node, then pairs of id and the next seq this node expects. For each session: its owner and
 * every logged frame from that seq on (after a lost delivery): [id, owner or '', first seq, tail...].
 * Returned as one array per session, in order.
 */
export const SYNC = `${PRELUDE}
local out = {}
for i = 3, #ARGV, 2 do
  local id, next = ARGV[i], tonumber(ARGV[i + 1])
  local owner = redis.call('HGET', skey(id), 'o')
  local item = {id, owner or '', tostring(next)}
  if owner == ARGV[2] then
    local entries = redis.call('XRANGE', lkey(id), next .. '-0', '+')
    item[3] = tostring(#entries > 0 and tonumber(string.match(entries[1][1], '^%d+')) or next)
    for _, entry in ipairs(entries) do item[#item + 1] = entry[2][2] end
  end
  out[#out + 1] = item
end
return out
`;

// RoomList: a session's rooms in join order, one room held as its name, an array from the second on.
import { describe, expect, it } from 'vitest';
import { addRoom, hasRoom, removeRoom, roomListOf, roomsOf, type RoomList } from '../src/session/room-list.js';

const joined = (...rooms: string[]) => rooms.reduce<RoomList>((list, room) => addRoom(list, room), undefined);

describe('RoomList', () => {
  it('holds no room as undefined, one as its name, more as an array in join order', () => {
    expect(joined()).toBeUndefined();
    expect(joined('a')).toBe('a');
    expect(joined('a', 'b', 'c')).toEqual(['a', 'b', 'c']);
    expect(roomListOf([])).toBeUndefined();
    expect(roomListOf(['a'])).toBe('a');
    expect(roomListOf(['a', 'b'])).toEqual(['a', 'b']);
  });

  it.each([
    [[], []],
    [['a'], ['a']],
    [['a', 'b', 'c'], ['a', 'b', 'c']],
  ])('lists %j as %j', (rooms, listed) => {
    expect(roomsOf(joined(...rooms))).toEqual(listed);
  });

  it('knows its rooms and no other', () => {
    expect(hasRoom(undefined, 'a')).toBe(false);
    expect(hasRoom(joined('a'), 'a')).toBe(true);
    expect(hasRoom(joined('a'), 'b')).toBe(false);
    expect(hasRoom(joined('a', 'b'), 'b')).toBe(true);
    expect(hasRoom(joined('a', 'b'), 'c')).toBe(false);
  });

  it.each([
    [['a'], 'a', undefined],
    [['a'], 'b', 'a'],
    [['a', 'b'], 'a', 'b'],
    [['a', 'b'], 'b', 'a'],
    [['a', 'b', 'c'], 'b', ['a', 'c']],
    [['a', 'b', 'c'], 'x', ['a', 'b', 'c']],
  ])('%j without %j is %j', (rooms, room, left) => {
    expect(removeRoom(joined(...rooms), room)).toEqual(left);
  });

  it('copies the rooms it is made from (an adapter answer stays the adapter’s)', () => {
    const rooms = ['a', 'b'];
    const list = roomListOf(rooms);
    addRoom(list, 'c');
    expect(rooms).toEqual(['a', 'b']);
  });
});

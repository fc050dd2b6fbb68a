import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_ID_HEADER } from '../src/index.js';
import type { GatewayStatus } from '../src/index.js';
import { Peers, WsPeer, getJson, postJson, startTestHarness, wsUrl } from './helpers.js';
import type { TestHarness } from './helpers.js';

let harness: TestHarness;
const peers = new Peers();
beforeAll(async () => {
  harness = await startTestHarness();
});
afterEach(async () => {
  peers.closeAll();
  // Every test leaves the gateways running, whatever it did to them.
  for (const id of ['chat', 'shout', 'whisper', 'fragile']) await postJson(`${harness.url}/gateways/${id}/start`, {});
});
afterAll(() => harness.close());

const join = async (id: string) => peers.add(await WsPeer.open(wsUrl(harness.url, `/gateways/${id}`)));
const connectionId = (peer: WsPeer) => String(peer.headers[CONNECTION_ID_HEADER]);
const status = async (id: string) => (await getJson<GatewayStatus>(`${harness.url}/gateways/${id}`)).body;

describe('Lucee WebSocket gateways', () => {
  it('relays a client message to every other connection, not back to the sender', async () => {
    const [alice, bob, carol] = [await join('chat'), await join('chat'), await join('chat')];
    alice.send('hello from alice');
    expect(await bob.nth(1)).toBe('hello from alice');
    expect(await carol.nth(1)).toBe('hello from alice');
    bob.send('second');
    expect(await alice.nth(1)).toBe('second');
    expect(await carol.nth(2)).toBe('second');
    expect(bob.messages).toEqual(['hello from alice']);
  });

  it('sends nothing on open or close', async () => {
    const watcher = await join('chat');
    const leaver = await join('chat');
    leaver.close();
    await leaver.closed;
    const sender = await join('chat');
    sender.send('marker');
    expect(await watcher.nth(1)).toBe('marker');
  });

  it('lets the shout listener rewrite messages to upper case', async () => {
    const [alice, bob] = [await join('shout'), await join('shout')];
    alice.send('quiet please');
    expect(await bob.nth(1)).toBe('QUIET PLEASE');
    const pushed = await postJson(`${harness.url}/gateways/shout/messages`, { message: 'from cfml' });
    expect(pushed.body).toEqual({ delivered: 2 });
    expect(await alice.nth(1)).toBe('FROM CFML');
  });

  it('lets the whisper listener restrict the recipients', async () => {
    const [alice, bob, carol] = [await join('whisper'), await join('whisper'), await join('whisper')];
    alice.send(`@${connectionId(carol)} for carol only`);
    expect(await carol.nth(1)).toBe('for carol only');
    alice.send('for everyone else');
    expect(await bob.nth(1)).toBe('for everyone else');
    expect(bob.messages).toEqual(['for everyone else']);
  });

  it('reports state and connection ids, and gives each connection an id', async () => {
    const [alice, bob] = [await join('chat'), await join('chat')];
    const current = await status('chat');
    expect(current.state).toBe('running');
    expect(current.connectionCount).toBe(2);
    expect(current.connections).toEqual([connectionId(alice), connectionId(bob)]);
    const all = await getJson<{ gateways: GatewayStatus[] }>(`${harness.url}/gateways`);
    expect(all.body.gateways.map((gateway) => gateway.id)).toEqual(['chat', 'shout', 'whisper', 'fragile']);
  });

  describe('sendGatewayMessage (POST /gateways/{id}/messages)', () => {
    it('sends to every connection and answers how many', async () => {
      const [alice, bob] = [await join('chat'), await join('chat')];
      const result = await postJson(`${harness.url}/gateways/chat/messages`, { message: 'server push' });
      expect(result).toMatchObject({ status: 200, body: { delivered: 2 } });
      expect(await alice.nth(1)).toBe('server push');
      expect(await bob.nth(1)).toBe('server push');
    });

    it('sends only to the listed connections', async () => {
      const [alice, bob, carol] = [await join('chat'), await join('chat'), await join('chat')];
      const connections = [connectionId(alice), connectionId(carol), 'c-unknown'];
      const result = await postJson(`${harness.url}/gateways/chat/messages`, { message: 'subset', connections });
      expect(result.body).toEqual({ delivered: 2 });
      expect(await alice.nth(1)).toBe('subset');
      expect(await carol.nth(1)).toBe('subset');
      await postJson(`${harness.url}/gateways/chat/messages`, { message: 'to all' });
      expect(await bob.nth(1)).toBe('to all');
    });

    it('accepts a form body', async () => {
      const alice = await join('chat');
      const result = await fetch(`${harness.url}/gateways/chat/messages`, { method: 'POST', body: new URLSearchParams({ message: 'form' }) });
      expect(await result.json()).toEqual({ delivered: 1 });
      expect(await alice.nth(1)).toBe('form');
    });

    it('answers 400 for a missing or non-string message', async () => {
      for (const body of [{}, { message: 42 }, { message: 'x', connections: 'c1' }]) {
        const result = await postJson<{ error: { message: string } }>(`${harness.url}/gateways/chat/messages`, body);
        expect(result.status).toBe(400);
        expect(result.body.error.message).toMatch(/message|connections/);
      }
    });

    it("answers 404 with Lucee's message for an unknown id, matching ids lower-cased and trimmed", async () => {
      const result = await postJson<{ error: { message: string } }>(`${harness.url}/gateways/Nope/messages`, { message: 'x' });
      expect(result.status).toBe(404);
      expect(result.body.error.message).toBe(
        'there is no gateway instance with id [nope], available gateway instances are [chat, shout, whisper, fragile]',
      );
      const found = await postJson(`${harness.url}/gateways/%20CHAT%20/messages`, { message: 'x' });
      expect(found.status).toBe(200);
    });

    it('answers 409 when the gateway is not running', async () => {
      await postJson(`${harness.url}/gateways/chat/stop`, {});
      const result = await postJson<{ error: { message: string } }>(`${harness.url}/gateways/chat/messages`, { message: 'x' });
      expect(result.status).toBe(409);
      expect(result.body.error.message).toBe('Gateway [chat] is not running');
    });
  });

  describe('lifecycle', () => {
    it('stop drops every connection and refuses new upgrades; start accepts again', async () => {
      const [alice, bob] = [await join('chat'), await join('chat')];
      const stopped = await postJson<GatewayStatus>(`${harness.url}/gateways/chat/stop`, {});
      expect(stopped.body).toMatchObject({ state: 'stopped', connectionCount: 0 });
      expect((await alice.closed).code).toBe(1001);
      expect((await bob.closed).code).toBe(1001);
      const refused = peers.add(WsPeer.connect(wsUrl(harness.url, '/gateways/chat')));
      await expect(refused.opened()).rejects.toThrow('503');

      const started = await postJson<GatewayStatus>(`${harness.url}/gateways/chat/start`, {});
      expect(started.body.state).toBe('running');
      await join('chat');
    });

    it('restart drops the connections and runs again', async () => {
      const alice = await join('shout');
      const restarted = await postJson<GatewayStatus>(`${harness.url}/gateways/shout/restart`, {});
      expect(restarted.body).toMatchObject({ state: 'running', connectionCount: 0 });
      expect((await alice.closed).code).toBe(1001);
    });

    it('a throwing listener fails the gateway: sockets stay open but silent, sendGatewayMessage is 409', async () => {
      const [alice, bob] = [await join('fragile'), await join('fragile')];
      alice.send('fail');
      await expect.poll(async () => (await status('fragile')).state).toBe('failed');
      alice.send('anyone there?');
      const push = await postJson(`${harness.url}/gateways/fragile/messages`, { message: 'x' });
      expect(push.status).toBe(409);
      expect(alice.isClosed || bob.isClosed).toBe(false);
      expect(bob.messages).toEqual([]);
      // A start brings it back, without the silent connections.
      expect((await postJson<GatewayStatus>(`${harness.url}/gateways/fragile/start`, {})).body.state).toBe('running');
      await bob.closed;
    });

    it('answers 405 for a wrong method and 404 for an unknown action', async () => {
      expect((await fetch(`${harness.url}/gateways/chat/stop`)).status).toBe(405);
      expect((await postJson(`${harness.url}/gateways/chat`, {})).status).toBe(405);
      expect((await postJson(`${harness.url}/gateways/chat/explode`, {})).status).toBe(404);
    });
  });

  it('closes a binary frame with 1003 (text frames only)', async () => {
    const alice = await join('chat');
    alice.ws.send(Buffer.from([1, 2, 3]));
    expect((await alice.closed).code).toBe(1003);
  });

  it('refuses an upgrade to an unknown gateway with 404', async () => {
    const peer = peers.add(WsPeer.connect(wsUrl(harness.url, '/gateways/nope')));
    await expect(peer.opened()).rejects.toThrow('404');
  });
});

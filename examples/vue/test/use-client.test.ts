import { createClient, type Client, type EventsMap } from '@unisocket/client';
import { createFakeEndpoint } from '@unisocket/client/testing';
import { createApp, createSSRApp, defineComponent, h, nextTick } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import { useClient, useEvent } from '../src/use-client.js';

interface In extends EventsMap {
  chat(text: string): void;
}

const welcome = JSON.stringify({ t: 'welcome', v: 1, session: 's1', token: 's1.secret', resumed: false, seq: 0, rcid: 0, hb: 60_000 });
const chat = (seq: number, text: string) => JSON.stringify({ t: 'event', seq, name: 'chat', args: [text] });

/** A component on the composable, over a fake endpoint; every client it creates is recorded. */
function setup() {
  const endpoint = createFakeEndpoint();
  const clients: Client<In>[] = [];
  const heard: string[] = [];
  const Chat = defineComponent({
    setup() {
      const { client, state } = useClient(() => {
        const created = createClient<In>({ endpoints: [endpoint], fallbackMemory: false });
        clients.push(created);
        return created;
      });
      useEvent(client, 'chat', (text) => heard.push(text));
      return () => h('p', state.value.status);
    },
  });
  return { endpoint, clients, heard, Chat };
}

/** Lets the client's connect microtask and Vue's updates run. */
const settle = async () => {
  await Promise.resolve();
  await nextTick();
};

describe('useClient (Vue)', () => {
  it('creates one client on mount, follows its state, hears its events, and closes it on unmount', async () => {
    const { endpoint, clients, heard, Chat } = setup();
    const element = document.body.appendChild(document.createElement('div'));
    const app = createApp(Chat);
    app.mount(element);
    await settle();
    expect(clients).toHaveLength(1);
    expect(endpoint.transports).toHaveLength(1);
    const transport = endpoint.last!;
    transport.accept();
    transport.receive(welcome);
    transport.receive(chat(1, 'one'));
    await settle();
    expect(element.textContent).toBe('open');
    expect(heard).toEqual(['one']);

    app.unmount();
    expect(clients[0]!.state.status).toBe('closed');
    transport.receive(chat(2, 'after unmount'));
    expect(heard).toEqual(['one']);
  });

  it('creates no client and opens no connection when rendered on the server', async () => {
    const { endpoint, clients, Chat } = setup();
    expect(await renderToString(createSSRApp(Chat))).toBe('<p>idle</p>');
    expect(clients).toEqual([]);
    expect(endpoint.transports).toEqual([]);
  });
});

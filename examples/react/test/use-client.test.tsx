import { createClient, type Client, type EventsMap } from '@unisocket/client';
import { createFakeEndpoint, type FakeEndpoint } from '@unisocket/client/testing';
import { act, StrictMode, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { useClient, useConnectionState, useEvent } from '../src/use-client.js';

// React warns unless told that updates are wrapped in act() here.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

interface In extends EventsMap {
  chat(text: string): void;
}

const welcome = JSON.stringify({ t: 'welcome', v: 1, session: 's1', token: 's1.secret', resumed: false, seq: 0, rcid: 0, hb: 60_000 });
const chat = (seq: number, text: string) => JSON.stringify({ t: 'event', seq, name: 'chat', args: [text] });

/** A component on the hooks, over a fake endpoint; every client it creates is recorded. */
function setup() {
  const endpoint: FakeEndpoint = createFakeEndpoint();
  const clients: Client<In>[] = [];
  const heard: string[] = [];
  function Chat({ tag }: { tag: string }) {
    const client = useClient(() => {
      const created = createClient<In>({ endpoints: [endpoint], fallbackMemory: false });
      clients.push(created);
      return created;
    });
    const state = useConnectionState(client);
    useEvent(client, 'chat', (text) => heard.push(`${tag}:${text}`));
    return <p>{state.status}</p>;
  }
  return { endpoint, clients, heard, Chat };
}

let root: Root | undefined;
const container = () => document.body.appendChild(document.createElement('div'));
/** Lets the client's connect microtask and React's effects run. */
const settle = () => act(async () => await Promise.resolve());
afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
});

describe('useClient', () => {
  it('under StrictMode, creates a second client for the second mount and closes the first before it connects', async () => {
    const { endpoint, clients, Chat } = setup();
    const element = container();
    await act(async () => {
      root = createRoot(element);
      root.render(
        <StrictMode>
          <Chat tag="a" />
        </StrictMode>,
      );
    });
    await settle();
    expect(clients).toHaveLength(2);
    expect(clients[0]!.state.status).toBe('closed');
    // One connection only: the closed client never opened a transport.
    expect(endpoint.transports).toHaveLength(1);
    await act(async () => {
      endpoint.last!.accept();
      endpoint.last!.receive(welcome);
    });
    expect(element.textContent).toBe('open');
  });

  it('closes its client on unmount', async () => {
    const { clients, Chat } = setup();
    await act(async () => {
      root = createRoot(container());
      root.render(<Chat tag="a" />);
    });
    await act(async () => root!.unmount());
    root = undefined;
    expect(clients.map((client) => client.state.status)).toEqual(['closed']);
  });

  it('creates no client and opens no connection when rendered on the server', () => {
    const { endpoint, clients, Chat } = setup();
    expect(renderToString(<Chat tag="a" />)).toBe('<p>idle</p>');
    expect(clients).toEqual([]);
    expect(endpoint.transports).toEqual([]);
  });
});

describe('useEvent', () => {
  it('calls the latest listener, once per event, and nothing after unmount', async () => {
    const { endpoint, heard, Chat } = setup();
    let retag: (tag: string) => void = () => undefined;
    function Parent() {
      const [tag, setTag] = useState('first');
      retag = setTag;
      return <Chat tag={tag} />;
    }
    await act(async () => {
      root = createRoot(container());
      root.render(<Parent />);
    });
    await settle();
    const transport = endpoint.last!;
    await act(async () => {
      transport.accept();
      transport.receive(welcome);
      transport.receive(chat(1, 'one'));
    });
    await act(async () => retag('second'));
    await act(async () => transport.receive(chat(2, 'two')));
    expect(heard).toEqual(['first:one', 'second:two']);
    await act(async () => root!.unmount());
    root = undefined;
    transport.receive(chat(3, 'three'));
    expect(heard).toEqual(['first:one', 'second:two']);
  });
});

import { connect } from '@unisocket/client';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ClientEvents, ServerEvents } from '../../shared/chat-events.js';
import type { Settings } from '../../shared/settings.js';
import { useClient, useConnectionState, useEvent, useLifecycle } from './use-client.js';

interface Line {
  id: number;
  from: string;
  text: string;
}

let nextId = 0;

/** A small chat room: the hooks give the client, its state and its events; the rest is plain React. */
export function App({ server, room, nick }: Settings) {
  const client = useClient(() => connect<ServerEvents, ClientEvents>(server), [server]);
  const state = useConnectionState(client);
  const [lines, setLines] = useState<Line[]>([]);
  const [members, setMembers] = useState<string[]>([]);
  const [draft, setDraft] = useState('');

  useEvent(client, 'chat', ({ from, text }) => setLines((shown) => [...shown, { id: ++nextId, from, text }]));
  useEvent(client, 'presence', (update) => setMembers(update.members));

  const join = useCallback(() => {
    client?.emitWithAck('join', room, nick).then(
      (answer) => setMembers(answer.members),
      () => undefined, // closed before the answer: the component is gone
    );
  }, [client, room, nick]);
  useEffect(join, [join]);
  // A new session on the server (it could not resume ours) has forgotten our room: join again.
  useLifecycle(client, 'open', ({ resumed, recovered }) => recovered && !resumed && join());

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!client || !draft.trim()) return;
    // Queued while offline, sent in order after reconnecting.
    client.emit('chat', { text: draft.trim() });
    setDraft('');
  };

  return (
    <main>
      <header>
        <h1>#{room}</h1>
        <p>
          you are <b>{nick}</b> · <span data-testid="state">{state.status}</span>
          {state.status === 'open' && <span data-testid="transport"> over {state.transport}</span>}
          {state.status === 'reconnecting' && <span> (attempt {state.attempt})</span>}
        </p>
        <p data-testid="members">{members.join(', ')}</p>
      </header>
      <ol data-testid="messages">
        {lines.map((line) => (
          <li key={line.id} data-testid="message">
            <b>{line.from}</b>: {line.text}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <input aria-label="Message" data-testid="input" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" disabled={!client}>
          Send
        </button>
      </form>
    </main>
  );
}

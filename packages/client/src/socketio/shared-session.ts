import type { Clock } from '../core/clock.js';
import { ConnectionError } from '../core/errors.js';
import { transportBase, type InboundFrame, type Transport, type TransportOpenContext } from '../transports/transport.js';
import type { OpenSession } from './endpoint.js';
import { createEngineIoTransport, type EngineIoSettings } from './engineio-transport.js';

/** One Engine.IO session and the namespace attempts riding on it. */
interface Session {
  /** The carrier it started on. */
  start: string;
  transport: Transport;
  channels: Set<Channel>;
  opened: boolean;
  /** What a channel that joins later must see first: the handshake, and (Engine.IO v3) the server's CONNECT of "/". */
  preamble: InboundFrame[];
  /** Engine.IO's own liveness: the last frame plus pingInterval + pingTimeout. */
  aliveUntil: number;
}

/** An attempt's view of a session; `owner` is its namespace client (two attempts of one client never share a session). */
interface Channel extends Transport {
  readonly owner: unknown;
  session: Session | undefined;
}

/**
 * Sessions shared between the namespaces of a manager: each attempt gets a channel, a Transport that
 * rides on the live Engine.IO session (one open and still heard from, else one opening on the
 * attempt's carrier) or opens a new one. Every frame goes to every channel (each namespace's codec
 * keeps its own packets); a channel's close leaves the session, and the last one closes it. The first
 * session to open takes over the channels still waiting on others (a staggered fallback's race), so
 * the namespaces end up on one connection. No timers and no retries: each namespace client's
 * Connection decides when to try again, and its next attempt joins whatever session is live then, so
 * reconnecting N namespaces costs one handshake.
 */
export function sharedSessions(clock: Clock): OpenSession {
  let live: Session[] = [];
  const forget = (session: Session) => (live = live.filter((other) => other != session));
  const owners = (session: Session) => [...session.channels].map((channel) => channel.owner);
  /** Puts `channel` on `session`; an open session says its preamble and open to it, as its own would have. */
  const join = (channel: Channel, session: Session) => {
    channel.session = session;
    session.channels.add(channel);
    if (session.opened) {
      queueMicrotask(() => {
        if (channel.session != session) return;
        session.preamble.forEach((frame) => channel.onmessage?.(frame));
        channel.onopen?.();
      });
    }
  };
  const leave = (channel: Channel) => {
    const { session } = channel;
    channel.session = undefined;
    if (!session?.channels.delete(channel) || session.channels.size) return;
    forget(session);
    session.transport.close();
  };

  const create = (context: TransportOpenContext, settings: EngineIoSettings): Session => {
    const transport = createEngineIoTransport(context, settings);
    const session: Session = { start: settings.start, transport, channels: new Set(), opened: false, preamble: [], aliveUntil: Infinity };
    // A copy: a channel's callback may close channels (its own, or a round's other attempt).
    const each = (call: (channel: Channel) => void) => [...session.channels].forEach(call);
    let heartbeatMs = Infinity;
    transport.onopen = () => {
      const riding = [...session.channels];
      session.opened = true;
      // Channels waiting on sessions that have not opened come here, unless their client is here already.
      const here = owners(session);
      for (const other of live.filter((candidate) => !candidate.opened)) {
        for (const channel of other.channels) {
          if (here.includes(channel.owner)) continue;
          here.push(channel.owner);
          leave(channel);
          join(channel, session);
        }
      }
      // The ones here from the start (the others hear the preamble and open from join()).
      for (const channel of riding) if (channel.session == session) channel.onopen?.();
    };
    transport.onmessage = (frame) => {
      if (frame.event == 'open') {
        const { pingInterval, pingTimeout } = JSON.parse(frame.data as string);
        heartbeatMs = pingInterval + pingTimeout || Infinity;
      }
      session.aliveUntil = clock.now() + heartbeatMs;
      if (frame.event == 'open' || frame.data === '0') session.preamble.push(frame);
      each((channel) => channel.onmessage?.(frame));
    };
    transport.onerror = (error) => each((channel) => channel.onerror?.(error));
    transport.onclose = (info) => {
      forget(session);
      each((channel) => channel.onclose?.(info));
    };
    live.push(session);
    transport.open();
    return session;
  };

  return (context, settings, owner) => {
    const channel: Channel = {
      ...transportBase(settings.start, context.url),
      owner,
      session: undefined,
      get carrier() {
        return channel.session?.transport.carrier;
      },
      open() {
        const now = clock.now();
        const free = live.filter((session) => !owners(session).includes(owner));
        join(
          channel,
          free.find((session) => session.opened && session.aliveUntil > now) ?? free.find((session) => !session.opened && session.start == settings.start) ?? create(context, settings),
        );
      },
      send(frames) {
        const { session } = channel;
        if (!session) return Promise.reject(new ConnectionError('network', 'not on a session', context));
        // "/" left (its DISCONNECT, Engine.IO v3): a later "/" must not take the server's first CONNECT for its own.
        if (frames.includes('1')) session.preamble = session.preamble.filter((frame) => frame.data !== '0');
        return session.transport.send(frames);
      },
      fits: (frame) => channel.session?.transport.fits?.(frame) ?? true,
      close: () => leave(channel),
    };
    return channel;
  };
}

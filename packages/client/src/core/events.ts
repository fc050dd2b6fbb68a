/**
 * An event map: each event name maps to a function type whose parameters are the event's arguments
 * and whose return type is the ack result (what the other side answers to `emitWithAck`, or what a
 * listener returns to answer a server event that asks for an ack). Use `void` when there is no ack.
 *
 * @example
 * interface ServerEvents { chat(message: { text: string; from: string }): void }
 * interface ClientEvents { join(room: string): { room: string; members: string[] } }
 */
// `any` values (not function types) so that interfaces, which have no implicit index signature, fit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventsMap = { [event: string]: any };

/** The map used when none is given: any event name, any arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DefaultEvents = { [event: string]: (...args: any[]) => any };

/** A raw message as it arrived (protocol `raw`, or `send(data)` on the other side). */
export type RawData = string | ArrayBuffer | Blob;

/** What `send(data)` accepts. */
export type SendData = string | ArrayBuffer | ArrayBufferView | Blob;

/** Names of the events of a map. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/**
 * A listener of every event of `Map` (`onAny`, `onAnyOutgoing`): the event's name, then its arguments
 * (comparing the name narrows them).
 */
export type AnyEventListener<Map extends EventsMap> = (...call: { [E in EventNames<Map>]: [event: E, ...args: Parameters<Map[E]>] }[EventNames<Map>]) => unknown;

/** Adds a listener of every event of `Map`, one that takes the arguments or the name alone; returns the function that removes it. */
export interface AddAnyListener<Map extends EventsMap> {
  (listener: AnyEventListener<Map>): () => void;
  (listener: (event: EventNames<Map>) => unknown): () => void;
}

/** The listener of `event`: `In[event]`, or `(data) => void` for an undeclared `'message'` (raw messages). */
export type Listener<In extends EventsMap, E> = E extends keyof In ? In[E] : (data: RawData) => void;

/**
 * Event maps, the same shape the client uses (`@unisocket/client`'s `EventsMap`): each event name maps
 * to a function type whose parameters are the event's arguments and whose return type is the ack
 * result. One pair of interfaces types both sides:
 *
 *   interface ClientEvents { join(room: string): { members: string[] } }   // client → server
 *   interface ServerEvents { chat(message: { text: string }): void }       // server → client
 *   connect<ServerEvents, ClientEvents>(url)      createServer<ClientEvents, ServerEvents>()
 */
// `any` values (not function types) so that interfaces, which have no implicit index signature, fit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventsMap = { [event: string]: any };

/** The map used when none is given: any event name, any arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DefaultEvents = { [event: string]: (...args: any[]) => any };

export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The arguments of `event`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventArgs<Map extends EventsMap, E extends keyof Map> = Map[E] extends (...args: infer A) => any ? A : never;

/** The ack result of `event` (what the other side's handler answers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AckResult<Map extends EventsMap, E extends keyof Map> = Map[E] extends (...args: any[]) => infer R ? Awaited<R> : never;

/** A handler of client event `E`: its return value (or Promise) is the ack answer. */
export type EventHandler<In extends EventsMap, E extends keyof In> = (...args: EventArgs<In, E>) => AckResult<In, E> | Promise<AckResult<In, E>>;

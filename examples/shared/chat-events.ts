/** The harness's envelope chat (`/rt`), typed: what the server sends, and what the client emits with its ack. */
export interface ServerEvents {
  chat(message: { text: string; from: string; room: string; at: number }): void;
  presence(update: { room: string; nick: string; joined: boolean; members: string[] }): void;
}

export interface ClientEvents {
  join(room: string, nick?: string): { room: string; members: string[] };
  chat(message: { text: string }): { ok: true };
}

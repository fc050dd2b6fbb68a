// A Node peer speaking the envelope protocol over `ws` (PROTOCOL.md): it joins a room and sends
// `chat` events, which the harness fans out to every member of the room. The benchmarks use it as
// the source of server-pushed events, so the page under test only receives.
import WebSocket from 'ws';

interface AckFrame {
  t: 'ack';
  cid: number;
  args?: unknown[];
  error?: { code: string; message: string };
}

const CONNECT_TIMEOUT_MS = 10_000;

export class EnvelopeDriver {
  private nextCid = 1;
  private readonly acks = new Map<number, (frame: AckFrame) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string; cid?: number };
      if (frame.t === 'ack' && frame.cid !== undefined) this.acks.get(frame.cid)?.(frame as AckFrame);
    });
  }

  /** Connects to `ws://…/rt` and completes the `hello`/`welcome` handshake. */
  static async open(harnessUrl: string): Promise<EnvelopeDriver> {
    const socket = new WebSocket(`${harnessUrl.replace(/^http/, 'ws')}/rt`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('envelope driver: no welcome')), CONNECT_TIMEOUT_MS);
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ t: 'hello', v: 1 })));
      socket.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return new EnvelopeDriver(socket);
  }

  /** Sends an event with an ack request and waits for the ack. */
  request(name: string, args: unknown[]): Promise<AckFrame> {
    const cid = this.nextCid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope driver: no ack for ${name}`)), CONNECT_TIMEOUT_MS);
      this.acks.set(cid, (frame) => {
        clearTimeout(timer);
        this.acks.delete(cid);
        if (frame.error) reject(new Error(`envelope driver: ${name} failed: ${frame.error.message}`));
        else resolve(frame);
      });
      this.socket.send(JSON.stringify({ t: 'event', cid, name, args, ack: true }));
    });
  }

  join(room: string): Promise<AckFrame> {
    return this.request('join', [room, 'driver']);
  }

  /** Sends `count` `chat` events (no acks), as fast as the socket takes them. */
  sendChats(count: number, text: string): void {
    for (let i = 0; i < count; i++) {
      this.socket.send(JSON.stringify({ t: 'event', cid: this.nextCid++, name: 'chat', args: [{ text, n: i }] }));
    }
  }

  close(): void {
    this.socket.close();
  }
}

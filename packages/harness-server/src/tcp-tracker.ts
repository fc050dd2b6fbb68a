import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Destroys a socket for real, even one whose `destroy` the blackhole has replaced. */
function reallyDestroy(socket: Socket): void {
  Socket.prototype.destroy.call(socket);
}

/**
 * Every TCP connection of the harness (plain HTTP, SSE, upgraded WebSockets, socket.io), so the
 * faults `drop`, `blackhole` and `restart` can reach connections whichever module owns them.
 */
export class TcpTracker {
  private readonly sockets = new Set<Socket>();
  private readonly blackholed = new Set<Socket>();
  /** The `close` listener of every tracked socket (`this` is the socket): one function, not a closure per connection. */
  private readonly onSocketClose: (this: Socket) => void;

  constructor() {
    const { sockets, blackholed } = this;
    this.onSocketClose = function forgetSocket(this: Socket) {
      sockets.delete(this);
      blackholed.delete(this);
    };
  }

  /** Starts tracking a new connection (the http server's `connection` event). */
  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', this.onSocketClose);
  }

  /** Number of open connections. */
  get size(): number {
    return this.sockets.size;
  }

  /** Destroys every connection except `keep` (the control request's own); answers how many. */
  drop(keep?: Duplex): number {
    let dropped = 0;
    for (const socket of [...this.sockets]) {
      if (socket === keep) continue;
      reallyDestroy(socket);
      dropped += 1;
    }
    this.blackholed.clear();
    return dropped;
  }

  /**
   * Turns every connection except `keep` into a network partition: reads stop, writes are
   * discarded as if sent, and a close by the server never reaches the peer, which sees nothing at
   * all: no data, no FIN, no reset. New connections are not affected. Answers how many.
   */
  blackhole(keep?: Duplex): number {
    let count = 0;
    for (const socket of this.sockets) {
      if (socket === keep || this.blackholed.has(socket)) continue;
      this.blackholed.add(socket);
      silence(socket);
      count += 1;
    }
    return count;
  }

  /** Ends the partition by destroying the blackholed connections (their streams lost bytes). */
  endBlackhole(): number {
    const count = this.blackholed.size;
    for (const socket of [...this.blackholed]) reallyDestroy(socket);
    this.blackholed.clear();
    return count;
  }

  /** Destroys everything (shutdown, restart). */
  destroyAll(): void {
    this.drop();
  }
}

function silence(socket: Socket): void {
  socket.pause();
  // Keep it paused whatever its owner does (ws resumes after backpressure, http after a response).
  socket.resume = () => socket;
  socket._write = (_chunk, _encoding, callback) => callback();
  socket._writev = (_chunks, callback) => callback();
  socket._final = (callback) => callback();
  // A close by the server would reach the peer as FIN/RST; in a partition nothing arrives.
  socket.destroy = () => socket;
}

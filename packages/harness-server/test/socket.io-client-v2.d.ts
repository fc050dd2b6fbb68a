// socket.io-client 2.x ships no types; this covers what the tests use.
declare module 'socket.io-client-v2' {
  interface SocketV2 {
    readonly id: string;
    readonly connected: boolean;
    readonly io: { engine: { transport: { name: string } } };
    on(event: string, listener: (...args: never[]) => void): SocketV2;
    once(event: string, listener: (...args: never[]) => void): SocketV2;
    emit(event: string, ...args: unknown[]): SocketV2;
    send(...args: unknown[]): SocketV2;
    close(): SocketV2;
  }
  interface OptionsV2 {
    forceNew?: boolean;
    reconnection?: boolean;
    transports?: string[];
    query?: Record<string, string>;
  }
  function io(url: string, options?: OptionsV2): SocketV2;
  export default io;
  export type { SocketV2, OptionsV2 };
}

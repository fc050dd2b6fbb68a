// socket.io-client's way onto the in-page loopback server: engine.io-client's WebSocket transport
// with its socket swapped (a transport class in `transports` is its documented extension point).
import { WebSocket as EngineIoWebSocket } from 'engine.io-client';
import { LoopbackWebSocket } from './loopback.js';

export class LoopbackTransport extends EngineIoWebSocket {
  override createSocket(uri: string): WebSocket {
    return new LoopbackWebSocket(uri) as unknown as WebSocket;
  }
}

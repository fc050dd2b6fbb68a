import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** What the plugin needs of a Fastify instance (structural: no dependency on `fastify`). */
export interface FastifyLike {
  readonly server: HttpServer;
  route(options: {
    method: string[];
    url: string;
    onRequest: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void;
    handler: () => void;
  }): unknown;
  addHook(name: 'preClose', hook: () => Promise<void>): unknown;
}

/** What the plugin needs of a unisocket `Server`. */
export interface AttachableServer {
  readonly path: string;
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  attach(http: HttpServer, options?: { requests?: boolean }): unknown;
  close(): Promise<void>;
}

/** A Fastify plugin function, marked to skip encapsulation (its routes and hooks apply app-wide). */
export type FastifyPlugin = ((fastify: FastifyLike, options: unknown, done: (error?: Error) => void) => void) & { [key: symbol]: unknown };

const METHODS = ['GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'];

/**
 * Serves `rt` inside a Fastify app: `await app.register(fastifyPlugin(rt))`. The path's requests are
 * taken before Fastify parses their bodies (a route whose `onRequest` hijacks the reply); WebSocket
 * upgrades are taken from Fastify's HTTP server; `app.close()` closes `rt` gracefully.
 */
export function fastifyPlugin(rt: AttachableServer): FastifyPlugin {
  const plugin = ((fastify, _options, done) => {
    fastify.route({
      method: METHODS,
      url: rt.path,
      onRequest(request, reply) {
        reply.hijack();
        rt.handleRequest(request.raw, reply.raw);
      },
      handler() {},
    });
    rt.attach(fastify.server, { requests: false });
    // preClose: before Fastify waits for its connections to end, which open streams never would.
    fastify.addHook('preClose', () => rt.close());
    done();
  }) as FastifyPlugin;
  // What `fastify-plugin` does: the route and the hook belong to the app, not to a child context.
  plugin[Symbol.for('skip-override')] = true;
  plugin[Symbol.for('fastify.display-name')] = '@unisocket/server';
  return plugin;
}

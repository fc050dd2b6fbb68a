// The IPC messages between the bench and a server it runs in a child process (child/parent.ts on
// the bench side, child/serve.ts on the child's).

/** Bench → child: `memory` and `close` are answered by every child; other types by its own handler. */
export interface ChildRequest {
  id: number;
  type: string;
  payload?: unknown;
}

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

import type { ChatApp } from './chat-app.js';
import { errorFrame } from './frames.js';
import type { ClientFrame } from './frames.js';
import type { Session } from './session.js';

/**
 * Runs one valid client frame of an attached or detached session. Each `cid` is processed at most
 * once: an event whose `cid` is not above `session.rcid` is a resend and is dropped.
 */
export function dispatchClientFrame(app: ChatApp, session: Session, frame: ClientFrame, log: (line: string) => void): void {
  switch (frame.t) {
    case 'hello':
      session.sendError(errorFrame('bad-frame', 'hello is only valid as the first frame of a WebSocket'));
      return;
    case 'pong':
      return;
    case 'ack':
      log(`envelope: session ${session.id} answered server ack ${frame.ack}`);
      return;
    case 'event': {
      if (frame.cid <= session.rcid) return;
      session.rcid = frame.cid;
      const outcome = app.handleEvent(session, frame.name, frame.args);
      if (frame.ack) session.ack(frame.cid, outcome);
      else if ('error' in outcome) session.sendError(errorFrame(outcome.error.code, outcome.error.message, frame.cid));
      return;
    }
  }
}

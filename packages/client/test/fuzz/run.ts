// One fuzz run: a target's frames, seeded, through the public API; counts what must never happen.
import { UnisocketError } from '../../src/index.js';
import { seeded } from '../chaos/prng.js';
import type { FuzzTarget } from './targets.js';

export interface FuzzResult {
  target: string;
  seed: number;
  frames: number;
  /** Frames bad by construction (each must become a typed error). */
  bad: number;
  /** Errors the client reported (`lifecycle` `error`, and the error of a `close`). */
  errors: number;
  /** Reported errors that are not a `UnisocketError` with a `code`. */
  untyped: number;
  /** Bad frames fed to an open connection that produced no error. */
  missed: number;
  /** Exceptions out of the client into the platform's callback (a socket's `onmessage`, a stream read). */
  thrown: number;
  /** Uncaught exceptions and unhandled rejections during the run. */
  uncaught: number;
  /** Connections the frames ended (a bye, an Engine.IO close, a sequence gap) and the client restored. */
  reconnects: number;
  /** After every frame, a known good one still reached the application. */
  survived: boolean;
  /** A few frames of each failure, for the report. */
  examples: string[];
  durationMs: number;
}

const show = (data: string | Uint8Array) => JSON.stringify(typeof data == 'string' ? data.slice(0, 80) : `<${data.length} bytes>`);

export async function runFuzz(target: FuzzTarget, { seed, frames }: { seed: number; frames: number }): Promise<FuzzResult> {
  const started = Date.now();
  const random = seeded(seed);
  // The client's own jitter from another stream, so a seed gives the same frames whatever the client draws.
  const driver = target.start(seeded(seed ^ 0x5bd1e995));
  const errors: unknown[] = [];
  const { client } = driver;
  client.lifecycle.on('error', ({ error }) => void errors.push(error));
  client.lifecycle.on('close', ({ error }) => void (error && errors.push(error)));
  let reconnects = 0;
  client.lifecycle.on('open', ({ recovered }) => void (recovered && reconnects++));
  const result = { target: target.name, seed, frames, bad: 0, errors: 0, untyped: 0, missed: 0, thrown: 0, uncaught: 0, reconnects: 0, survived: false, examples: [] as string[], durationMs: 0 };
  const note = (what: string) => result.examples.length < 10 && result.examples.push(what);
  const onUncaught = (error: unknown) => {
    result.uncaught++;
    note(`uncaught: ${String(error)}`);
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  try {
    for (let i = 0; i < frames; i++) {
      await driver.ready();
      const frame = target.generate(random);
      const open = client.state.status == 'open';
      const before = errors.length;
      try {
        await driver.feed(frame);
      } catch (error) {
        result.thrown++;
        note(`thrown by ${show(frame.data)}: ${String(error)}`);
      }
      if (frame.bad && open) {
        result.bad++;
        if (errors.length == before) {
          result.missed++;
          note(`no error for ${show(frame.data)}`);
        }
      }
    }
    await driver.ready();
    result.survived = await driver.probe();
  } finally {
    client.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
  for (const error of errors) {
    if (!(error instanceof UnisocketError && typeof error.code == 'string')) {
      result.untyped++;
      note(`untyped error: ${String(error)}`);
    }
  }
  return { ...result, errors: errors.length, reconnects, durationMs: Date.now() - started };
}

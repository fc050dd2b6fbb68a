import { expect } from 'vitest';
import type { TransportKind } from '../e2e/fixtures.js';
import type { BrowserPage } from './pages.js';

// The page functions run in the browser: they are sent as source, so each uses only its arguments.
const textsOf = (selector: string) => [...document.querySelectorAll(selector)].map((node) => node.textContent ?? '');
const textOf = (selector: string) => document.querySelector(selector)?.textContent ?? '';
const ownStatuses = () => [...document.querySelectorAll<HTMLElement>('[data-testid=message][data-status]')].map((item) => item.dataset.status ?? '');
const wasQueued = (text: string) =>
  [...document.querySelectorAll<HTMLElement>('[data-testid=message]')].some(
    (item) => item.querySelector('[data-testid=message-text]')?.textContent === text && item.dataset.wasQueued === 'true',
  );

/**
 * One person's chat page, in the vocabulary of e2e/fixtures.ts's ChatPage (send, sendAll,
 * expectOpen, expectSequence, ownStatuses, events, expectMember…), over any engine's driver. Reads go
 * through the page's DOM; waits poll it (`expect.poll`), as Playwright's web-first assertions do.
 */
export class ChatPage {
  constructor(
    readonly page: BrowserPage,
    readonly nick: string,
  ) {}

  /** The text of the connection panel's field `name` (`state`, `transport`, `protocol`, `endpoint`…). */
  field(name: string): Promise<string> {
    return this.page.evaluate(textOf, `[data-testid="conn-${name}"]`);
  }

  /** Types `text` into the composer and presses Enter. */
  send(text: string): Promise<void> {
    return this.page.submit('composer-input', text);
  }

  async sendAll(texts: readonly string[]): Promise<void> {
    for (const text of texts) await this.send(text);
  }

  /** The text of every chat message, in page order. */
  texts(): Promise<string[]> {
    return this.page.evaluate(textsOf, '[data-testid=message-text]');
  }

  /** The chat messages whose text starts with `prefix`, in page order. */
  async textsStartingWith(prefix: string): Promise<string[]> {
    return (await this.texts()).filter((text) => text.startsWith(prefix));
  }

  /** Waits until the messages starting with `prefix` are exactly `expected`, in order (nothing lost, nothing twice). */
  async expectSequence(prefix: string, expected: readonly string[], timeout = 15_000): Promise<void> {
    await expect.poll(() => this.textsStartingWith(prefix), { timeout, message: `${this.nick} (${this.page.engine}) sees the ${prefix} messages in order` }).toEqual(expected);
  }

  /** The status of each of the page's own messages, in page order. */
  ownStatuses(): Promise<string[]> {
    return this.page.evaluate(ownStatuses);
  }

  /** True when the page marked its own message `text` as having waited in the outbox. */
  wasQueued(text: string): Promise<boolean> {
    return this.page.evaluate(wasQueued, text);
  }

  async expectOpen(kind?: TransportKind, timeout = 10_000): Promise<void> {
    await this.expectState('open', timeout);
    if (kind) await expect.poll(() => this.field('transport'), { message: `${this.nick}'s transport` }).toMatch(kind instanceof RegExp ? kind : new RegExp(`^${kind}$`));
  }

  async expectState(state: string, timeout = 10_000): Promise<void> {
    await expect.poll(() => this.field('state'), { timeout, message: `${this.nick} (${this.page.engine}) is ${state}` }).toBe(state);
  }

  /** The connection event log's entries of one kind (`open`, `fallback`, `close`, …), newest first. */
  events(kind: string): Promise<string[]> {
    return this.page.evaluate(textsOf, `[data-testid=event][data-kind="${kind}"] .event-text`);
  }

  /** Until the server acknowledged the page's `join` (envelope and Socket.IO chats). */
  async expectJoined(): Promise<void> {
    await expect.poll(async () => (await this.page.evaluate(textsOf, '[data-testid=notice]')).filter((text) => text.startsWith('You joined ')), { timeout: 15_000, message: `${this.nick} (${this.page.engine}) has joined` }).toHaveLength(1);
  }

  /** Until `nick` is in the page's member list once (envelope presence); a failure shows the whole list. */
  async expectMember(nick: string): Promise<void> {
    const listed = async () => {
      const members = await this.page.evaluate(textsOf, '[data-testid=member]');
      return members.filter((text) => text.includes(nick)).length === 1 ? nick : members;
    };
    await expect.poll(listed, { timeout: 15_000, message: `${this.nick} (${this.page.engine}) lists ${nick} once` }).toBe(nick);
  }
}

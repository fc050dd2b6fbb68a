import { startHarness, type Harness } from '@unisocket/harness-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { broadcaster, TOKEN } from '../src/groups/harness.js';
import { CONNECTION_KINDS, openIdleConnections, tokenCounter, type IdleConnections } from '../src/net/idle-connections.js';

describe('token counting over a stream', () => {
  it('counts a token split across chunks exactly once', () => {
    const count = tokenCounter('abcd');
    expect(count('xxab')).toBe(0);
    expect(count('cdyyabcd')).toBe(2);
    expect(count('abcdabcd')).toBe(2);
    expect(count('')).toBe(0);
  });
});

describe('idle connections against the real harness', () => {
  let harness: Harness;
  let open: IdleConnections | undefined;
  beforeEach(async () => {
    harness = await startHarness({ port: 0, sseMaxAgeSeconds: 0, testEventDelayMs: -1, log: () => {} });
  });
  afterEach(async () => {
    open?.close();
    open = undefined;
    await harness.close();
  });

  it.each(CONNECTION_KINDS.map(({ kind }) => kind))('opens %s connections that each receive one broadcast', async (kind) => {
    open = await openIdleConnections(kind, harness.url, 3, TOKEN);
    const source = await broadcaster(kind, harness.url);
    try {
      await source.send();
      await expect.poll(() => open?.delivered()).toBe(3);
    } finally {
      source.close();
    }
  });
});

#!/usr/bin/env node
// Makes sure a redis-server exists for the tests that need a real one (the server's Redis adapter,
// the cluster tests, the cluster e2e spec, the bench): on Debian/Ubuntu, as root, the distribution's
// package is installed; elsewhere it says what to install (those tests then fail saying the same).
import { spawnSync } from 'node:child_process';
import { MISSING_REDIS, redisServerPath } from './redis.mjs';

if (redisServerPath()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(MISSING_REDIS);
  process.exit(1);
}
console.log('Installing Debian redis-server for the Redis tests (apt-get install -y redis-server)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'redis-server']]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.exit(redisServerPath() ? 0 : 1);

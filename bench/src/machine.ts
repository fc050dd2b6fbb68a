// What the numbers were measured on: machine, runtimes, library versions, commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const MEASURED = ['socket.io-client', 'engine.io-client', 'centrifuge', 'phoenix', 'partysocket', 'reconnecting-websocket', '@microsoft/fetch-event-source', 'esbuild', '@playwright/test', 'ws'] as const;

const root = fileURLToPath(new URL('../../', import.meta.url));

const readJson = (url: URL): { version?: string } => {
  try {
    return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as { version?: string };
  } catch {
    return {};
  }
};

/** Installed versions of the packages the report names, plus our client and harness. */
export function installedVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of MEASURED) {
    const version = readJson(new URL(`../node_modules/${name}/package.json`, import.meta.url)).version;
    if (version) versions[name] = version;
  }
  const client = readJson(new URL('../../packages/client/package.json', import.meta.url)).version;
  if (client) versions['@unisocket/client'] = `${client} (${commit()})`;
  const harness = readJson(new URL('../../packages/harness-server/package.json', import.meta.url)).version;
  if (harness) versions['@unisocket/harness-server'] = harness;
  return versions;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'packages/client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown commit';
  }
}

function osName(): string {
  try {
    const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    if (line) return `${line.slice('PRETTY_NAME='.length).replace(/"/g, '')}, Linux ${release()}`;
  } catch {
    // Not Linux, or no os-release: the kernel release says enough.
  }
  return `${process.platform} ${release()}`;
}

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB (${(freemem() / 1024 ** 3).toFixed(1)} GiB free at start)`,
    os: osName(),
    node: process.version,
  };
}

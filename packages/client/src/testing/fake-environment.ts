import type { Environment, EnvironmentEvent } from '../core/environment.js';

/** An {@link Environment} driven by hand, for tests: `emit('visible')`; online until `emit('offline')`. */
export interface FakeEnvironment extends Environment {
  /** Sends `event` to every subscriber (`online` and `offline` also set what `online()` answers). */
  emit(event: EnvironmentEvent): void;
  online(): boolean;
  /** How many subscribers are listening (0 once every client has closed). */
  readonly listeners: number;
}

export function createFakeEnvironment({ online = true } = {}): FakeEnvironment {
  const listeners = new Set<(event: EnvironmentEvent) => void>();
  return {
    online: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event) {
      if (event == 'online' || event == 'offline') online = event == 'online';
      for (const listener of [...listeners]) listener(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

import type { Environment, EnvironmentEvent } from '../core/environment.js';

/** An {@link Environment} driven by hand, for tests: `emit('visible')`. */
export interface FakeEnvironment extends Environment {
  emit(event: EnvironmentEvent): void;
  /** How many subscribers are listening (0 once every client has closed). */
  readonly listeners: number;
}

export function createFakeEnvironment(): FakeEnvironment {
  const listeners = new Set<(event: EnvironmentEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => [...listeners].forEach((listener) => listener(event)),
    get listeners() {
      return listeners.size;
    },
  };
}

import { MemoryStore, memoryAdapter } from '../../src/adapters/memory.js';
import { adapterConformance } from './conformance.js';

adapterConformance({
  name: 'memory',
  async cluster() {
    const store = new MemoryStore();
    return { adapter: () => memoryAdapter({ store }), teardown: async () => store.clear() };
  },
});

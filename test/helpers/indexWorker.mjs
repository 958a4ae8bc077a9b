// The index worker from its sources, for tests: a worker thread does not inherit the test run's TypeScript loader,
// so it registers tsx itself before loading src/node/indexWorker.ts (the build runs dist/cli/indexWorker.js).
import { register } from 'tsx/esm/api';

register();
await import('../../src/node/indexWorker.ts');

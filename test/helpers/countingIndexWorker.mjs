// The index worker's code (from its sources, as in indexWorker.mjs) for tests that must see what a worker did:
// it writes `<$CODEX_SESSIONS_TEST_TAKEN>.ready` once loaded, then the indexes of the files it took to
// $CODEX_SESSIONS_TEST_TAKEN. With $CODEX_SESSIONS_TEST_DIE=n it takes n files and dies without answering.
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { takeAndRead } = await import('../../src/node/parallelReads.ts');
const out = process.env.CODEX_SESSIONS_TEST_TAKEN;
const die = Number(process.env.CODEX_SESSIONS_TEST_DIE ?? 0);

parentPort.once('message', (data) => {
  if (die) {
    const next = new Int32Array(data.next);
    const taken = Array.from({ length: die }, () => Atomics.add(next, 0, 1));
    writeFileSync(out, JSON.stringify(taken));
    process.exit(3);
  }
  const reply = [];
  void takeAndRead(data, (i, r) => reply.push([i, r])).then(() => {
    writeFileSync(out, JSON.stringify(reply.map(([i]) => i)));
    parentPort.postMessage({ results: reply, done: true });
  });
});
writeFileSync(`${out}.ready`, '');

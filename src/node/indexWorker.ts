import { parentPort } from 'node:worker_threads';
import { BATCH, takeAndRead, type ReadWorkerData, type ReadWorkerMessage, type ReadWorkerReply } from './parallelReads';
import { rolloutParser } from './sessionUsage';

/*
 * A worker thread of `ReadPool` (built as `dist/cli/indexWorker.js`): started ahead, it waits for the list of files,
 * reads them from the shared counter until none are left, sending what it read every BATCH files and at its end.
 */

// Loaded while the files are still being listed: reading heads needs the parser (and zod, its slowest part to load).
void rolloutParser();

parentPort?.once('message', (data: ReadWorkerData) => {
  let results: ReadWorkerReply = [];
  const send = (done: boolean): void => {
    parentPort!.postMessage({ results, done } satisfies ReadWorkerMessage);
    results = [];
  };
  void takeAndRead(data, (i, r) => {
    results.push([i, r]);
    if (results.length === BATCH) send(false);
  }).then(() => send(true));
});

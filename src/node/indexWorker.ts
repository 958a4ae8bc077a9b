import { parentPort } from 'node:worker_threads';
import { BATCH, takeAndRead, type ReadWorkerData, type ReadWorkerMessage, type ReadWorkerReply } from './parallelReads';

/*
 * A worker thread of `ReadPool` (built as `dist/cli/indexWorker.js`): started ahead, it waits for the list of files,
 * reads them from the shared counter until none are left, sending what it read every BATCH files and at its end.
 */

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

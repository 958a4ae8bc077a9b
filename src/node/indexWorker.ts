import { parentPort } from 'node:worker_threads';
import { takeAndRead, type ReadWorkerData, type ReadWorkerReply } from './parallelReads';

/*
 * A worker thread of `ReadPool` (built as `dist/indexWorker.js`): started ahead, it waits for the list of files,
 * reads them from the shared counter until none are left, sends what it read in one message and ends.
 */

parentPort?.once('message', (data: ReadWorkerData) => {
  const reply: ReadWorkerReply = [];
  void takeAndRead(data, (i, r) => reply.push([i, r])).then(() => parentPort!.postMessage(reply));
});

/**
 * A scriptable fake of the OpenAI Responses API (`POST /v1/responses`, SSE), for driving the real
 * Codex CLI offline in integration tests. Plain `node:http`, bound to 127.0.0.1 on a random port.
 * See /work/shared/notes/real-codex-offline.md for the wire format this mimics.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import * as zlib from 'node:zlib';

/** One Responses API output item (`message`, `reasoning`, `function_call`, ...), sent as-is. */
export interface FakeOutputItem {
  type: string;
  [key: string]: unknown;
}

/** Token counts reported in `response.completed` for one model call. */
export interface FakeUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/**
 * What the server does for one `POST /v1/responses`:
 * - an item array: a normal stream (`response.created`, one `output_item.done` per item, `response.completed`);
 * - `{ status }`: a plain HTTP error with a JSON `{"error":...}` body (or `body` verbatim) and extra `headers`;
 * - `{ failed }`: a 200 stream that ends with a `response.failed` event carrying `code`/`message`;
 * - `{ hang: true }`: headers and `response.created`, then silence until the client gives up or `close()`;
 * - `{ dropMidStream }`: these items, then the socket is destroyed without `response.completed`;
 * - `{ delayMs, items }`: `response.created`, a pause, then the items as normal.
 */
export type FakeTurn =
  | FakeOutputItem[]
  | { status: number; body?: string; headers?: Record<string, string> }
  | { failed: { code: string; message: string } }
  | { hang: true }
  | { dropMidStream: FakeOutputItem[] }
  | { delayMs: number; items: FakeOutputItem[] };

/** A `function_call_output` item codex sent back in a request's `input`. */
export interface RecordedToolOutput {
  callId: string;
  output: unknown;
}

/** Everything recorded about one request received by the fake server. */
export interface RecordedRequest {
  /** 0-based position among `POST /v1/responses` requests (-1 for any other request). */
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The `authorization` header, e.g. `Bearer sk-test`. */
  authorization: string | undefined;
  /** Parsed JSON body (undefined when the body was empty or not JSON). */
  body: unknown;
  /** Number of items in `body.input`. */
  inputCount: number;
  /** Names of the tools offered in `body.tools` (namespaced tools as `ns.name`). */
  toolNames: string[];
  /** `function_call_output` items found in `body.input`, in order. */
  functionCallOutputs: RecordedToolOutput[];
}

/** A running fake server; `url` is the provider `base_url` (ends in `/v1`). */
export interface FakeModelServer {
  url: string;
  port: number;
  /** `POST /v1/responses` requests, in arrival order. */
  requests: RecordedRequest[];
  /** Any other request (answered 404), for diagnosing what codex probes. */
  otherRequests: RecordedRequest[];
  /** Stops listening and destroys every open socket (hanging streams included). */
  close(): Promise<void>;
}

/** Options for {@link startFakeModelServer}. */
export interface FakeModelServerOptions {
  /** Usage for the k-th model call (1-based); defaults to {@link defaultUsage}. */
  usage?: (k: number) => FakeUsage;
}

/** Default usage of call k: input 1000k+11, cached 100k, output 19+k, reasoning 4+k. */
export function defaultUsage(k: number): FakeUsage {
  return { input: 1000 * k + 11, cached: 100 * k, output: 19 + k, reasoning: 4 + k };
}

let idCounter = 0;
const nextId = (prefix: string): string => `${prefix}_${++idCounter}`;

/** An assistant `message` item with one `output_text` part. */
export function assistantMessage(text: string, id = nextId('msg')): FakeOutputItem {
  return { type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }] };
}

/** A `reasoning` item whose summary is the given text(s). */
export function reasoningItem(summary: string | string[], id = nextId('rs')): FakeOutputItem {
  const parts = Array.isArray(summary) ? summary : [summary];
  return { type: 'reasoning', id, summary: parts.map((text) => ({ type: 'summary_text', text })) };
}

/** A generic `function_call` item; `args` is JSON-encoded into `arguments`. */
export function functionCall(name: string, args: unknown, callId = nextId('call')): FakeOutputItem {
  return { type: 'function_call', id: nextId('fc'), call_id: callId, name, arguments: JSON.stringify(args) };
}

/** An `exec_command` call (classic tool set of `-m gpt-5-codex`); codex runs `cmd` for real. */
export function execCommand(
  cmd: string,
  opts: { callId?: string; workdir?: string; yieldTimeMs?: number } = {},
): FakeOutputItem {
  const args: Record<string, unknown> = { cmd };
  if (opts.workdir !== undefined) args.workdir = opts.workdir;
  if (opts.yieldTimeMs !== undefined) args.yield_time_ms = opts.yieldTimeMs;
  return functionCall('exec_command', args, opts.callId);
}

/** Provider options for {@link codexProviderArgs}. */
export interface CodexProviderOptions {
  /** Provider id (default `fake`). */
  id?: string;
  /** SSE idle timeout in ms (default 20000); lower it to make `hang` tests fail fast. */
  streamIdleTimeoutMs?: number;
  requestMaxRetries?: number;
  streamMaxRetries?: number;
}

/**
 * `-c` arguments that point `codex` at the fake server with retries disabled, so error cases end
 * after a single request. Pass them after `exec` (and with `OPENAI_API_KEY` set in the env).
 */
export function codexProviderArgs(server: Pick<FakeModelServer, 'url'>, opts: CodexProviderOptions = {}): string[] {
  const id = opts.id ?? 'fake';
  const fields = [
    `name="${id}"`,
    `base_url="${server.url}"`,
    'wire_api="responses"',
    'env_key="OPENAI_API_KEY"',
    `request_max_retries=${opts.requestMaxRetries ?? 0}`,
    `stream_max_retries=${opts.streamMaxRetries ?? 0}`,
    `stream_idle_timeout_ms=${opts.streamIdleTimeoutMs ?? 20000}`,
    'supports_websockets=false',
  ];
  return ['-c', `model_provider=${id}`, '-c', `model_providers.${id}={${fields.join(',')}}`];
}

const DEFAULT_ERROR: Record<number, { message: string; type: string; code: string | null }> = {
  401: { message: 'Incorrect API key provided (fake 401).', type: 'invalid_request_error', code: 'invalid_api_key' },
  429: { message: 'Rate limit reached (fake 429).', type: 'requests', code: 'rate_limit_exceeded' },
  500: { message: 'The server had an error (fake 500).', type: 'server_error', code: null },
};

function decodeBody(raw: Buffer, encoding: string | undefined): unknown {
  let buf = raw;
  try {
    if (encoding === 'gzip') buf = zlib.gunzipSync(raw);
    else if (encoding === 'br') buf = zlib.brotliDecompressSync(raw);
    else if (encoding === 'deflate') buf = zlib.inflateSync(raw);
    return buf.length > 0 ? (JSON.parse(buf.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function record(req: http.IncomingMessage, index: number, body: unknown): RecordedRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const input = Array.isArray(b.input) ? (b.input as Record<string, unknown>[]) : [];
  const tools = Array.isArray(b.tools) ? (b.tools as Record<string, unknown>[]) : [];
  const toolNames = tools.flatMap((t): string[] => {
    const name = typeof t.name === 'string' ? t.name : String(t.type ?? '?');
    const nested = Array.isArray(t.tools) ? (t.tools as Record<string, unknown>[]) : [];
    return nested.length > 0 ? nested.map((n) => `${name}.${String(n.name)}`) : [name];
  });
  const functionCallOutputs = input
    .filter((i) => i.type === 'function_call_output')
    .map((i) => ({ callId: String(i.call_id), output: i.output }));
  return {
    index, method: req.method ?? '', path: req.url ?? '', headers: req.headers,
    authorization: req.headers.authorization, body, inputCount: input.length, toolNames, functionCallOutputs,
  };
}

/**
 * Starts the fake on 127.0.0.1:0. Each `POST /v1/responses` consumes the next turn of `script` (or
 * asks the function); once the script is exhausted it answers a plain "(script exhausted)" message.
 */
export async function startFakeModelServer(
  script: FakeTurn[] | ((req: RecordedRequest, index: number) => FakeTurn),
  options: FakeModelServerOptions = {},
): Promise<FakeModelServer> {
  const usageOf = options.usage ?? defaultUsage;
  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  /** A pause that `close()` cuts short (callers check `closed` afterwards). */
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
      timers.set(t, resolve);
    });

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> => {
    const body = decodeBody(raw, req.headers['content-encoding']);
    const isResponses = req.method === 'POST' && (req.url ?? '').split('?')[0] === '/v1/responses';
    if (!isResponses) {
      otherRequests.push(record(req, -1, body));
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const index = requests.length;
    const rec = record(req, index, body);
    requests.push(rec);
    const turn: FakeTurn = typeof script === 'function'
      ? script(rec, index)
      : script[index] ?? [assistantMessage('(script exhausted)')];
    const respId = `resp_${index + 1}`;

    if (!Array.isArray(turn) && 'status' in turn) {
      const err = DEFAULT_ERROR[turn.status] ?? { message: `fake HTTP ${turn.status}`, type: 'error', code: null };
      res.writeHead(turn.status, { 'content-type': 'application/json', ...turn.headers });
      res.end(turn.body ?? JSON.stringify({ error: err }));
      return;
    }
    res.on('error', () => undefined); // the client may vanish mid-stream; that's its business
    const send = (type: string, payload: Record<string, unknown>): void => {
      if (!res.destroyed) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
    };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    send('response.created', { response: { id: respId } });
    const sendItems = (items: FakeOutputItem[]): void => {
      for (const item of items) send('response.output_item.done', { item });
    };
    if (Array.isArray(turn) || 'items' in turn) {
      if (!Array.isArray(turn)) await sleep(turn.delayMs);
      if (closed) return;
      sendItems(Array.isArray(turn) ? turn : turn.items);
      const u = usageOf(index + 1);
      send('response.completed', {
        response: {
          id: respId,
          usage: {
            input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached },
            output_tokens: u.output, output_tokens_details: { reasoning_tokens: u.reasoning },
            total_tokens: u.input + u.output,
          },
        },
      });
      res.end();
    } else if ('failed' in turn) {
      send('response.failed', { response: { id: respId, status: 'failed', error: turn.failed } });
      res.end();
    } else if ('dropMidStream' in turn) {
      sendItems(turn.dropMidStream);
      // Give the bytes a moment to leave before cutting the connection.
      await sleep(50);
      res.socket?.destroy();
      res.destroy();
    }
    // { hang: true }: leave the response open; close() destroys the socket.
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      serve(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake model server: no TCP address');
  const port = addr.port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    otherRequests,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [t, wake] of timers) { clearTimeout(t); wake(); }
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

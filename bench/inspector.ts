/**
 * The visitor worker's CPU profiler inside workerd, through its inspector (the DevTools
 * protocol), for the profiling helpers (bench/profile-publish.ts, bench/profile-load.ts). The
 * bench's workerd opens the inspector when BENCH_INSPECT names a port (bench/server.ts).
 */
import WebSocket from 'ws';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A minimal DevTools-protocol client: one request at a time, answers matched by id. */
async function devtools(url: string) {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send<T>(method: string, params: object = {}): Promise<T> {
      const id = ++next;
      return new Promise<T>((resolve) => {
        waiting.set(id, (r) => resolve(r as T));
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

/** The tessera worker's profiler, sampling every `intervalUs` µs once started. */
export async function workerProfiler(inspectorPort: number, intervalUs = 100) {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    title: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((t) => t.title.includes('core:user:tessera'));
  if (!target) throw new Error(`no tessera worker among ${targets.map((t) => t.title).join(', ')}`);
  const cdp = await devtools(target.webSocketDebuggerUrl);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  return {
    start: () => cdp.send('Profiler.start'),
    stop: async () => (await cdp.send<{ profile: CpuProfile }>('Profiler.stop')).profile,
    close: () => cdp.close(),
  };
}

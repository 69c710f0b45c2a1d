import { request } from './api';
import { app } from './app';
import { auth } from './auth';
import { SseParser, type SseEvent } from './sse';

/**
 * Server push: the server's `flushed` events name the runs that have new data. Views refetch
 * what they show of those runs; the runs they name are fetched again by id (only those, at most
 * every 2 s; a run the page does not know yet fetches the list's first page). The header's dot
 * says whether the stream is connected. The stream is read with fetch() rather than EventSource
 * so that it carries the token in the Authorization header (EventSource cannot send headers).
 * Returns a function that closes the stream for good.
 */
export function startLive(dot: HTMLElement): () => void {
  let runsTimer: number | null = null;
  // runs named by flushes since the last refresh: only these are fetched again
  const pending = new Set<string>();
  let stopped = false;
  let controller: AbortController | null = null;
  let retryMs = 1000;

  const onEvent = (e: SseEvent) => {
    if (e.event === 'hello') {
      retryMs = 1000;
      dot.classList.add('on');
      dot.title = 'Live: new points appear as runs train';
    } else if (e.event === 'flushed') {
      const ids: string[] = JSON.parse(e.data).runIds ?? [];
      app.emit('live', ids);
      for (const id of ids) pending.add(id);
      if (runsTimer === null) {
        runsTimer = window.setTimeout(() => {
          runsTimer = null;
          const changed = [...pending];
          pending.clear();
          void app.liveRuns(changed).catch(() => {});
        }, ids.some((id) => !app.runsById.has(id)) ? 0 : 2000);
      }
    }
  };

  const connect = async () => {
    controller = new AbortController();
    try {
      const r = await request('api/live', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
      const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.feed(value)) onEvent(e);
      }
    } catch {
      /* dropped, refused or aborted: the state below says which */
    }
    dot.classList.remove('on');
    if (stopped) return;
    if (auth.needsSignIn()) {
      dot.title = 'Live updates paused until you sign in';
      return;
    }
    dot.title = 'Live updates disconnected; reconnecting…';
    window.setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  };
  void connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

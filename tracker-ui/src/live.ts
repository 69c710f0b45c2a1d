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
 * The stream is closed while the page is hidden from history (`pagehide`: navigated away, or
 * kept in the back/forward cache) and opened again when it is shown: a browser gives a host only
 * six HTTP/1.1 connections, and streams left open by pages the user has left would hold them all
 * (the next page's requests then queue for as long as those streams live).
 * Returns a function that closes the stream for good.
 */
export function startLive(dot: HTMLElement): () => void {
  let runsTimer: number | null = null;
  // runs named by flushes since the last refresh: only these are fetched again
  const pending = new Set<string>();
  let stopped = false;
  let controller: AbortController | null = null;
  let retryMs = 1000;
  let away = false;

  const onEvent = (e: SseEvent) => {
    if (e.event === 'hello') {
      retryMs = 1000;
      const streams = Number((JSON.parse(e.data || '{}') as { streams?: number }).streams ?? 1);
      dot.classList.add('on');
      dot.dataset.streams = String(streams);
      dot.title =
        'Live: new points appear as runs train' +
        (streams > 1 ? ` (${streams} dashboard pages are watching this server)` : '');
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
    if (stopped || away) return;
    if (auth.needsSignIn()) {
      dot.title = 'Live updates paused until you sign in';
      return;
    }
    dot.title = 'Live updates disconnected; reconnecting…';
    window.setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  };
  const onHide = () => {
    away = true;
    controller?.abort();
  };
  const onShow = (e: PageTransitionEvent) => {
    if (!away || stopped) return;
    away = false;
    if (e.persisted) void connect();
  };
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  void connect();
  return () => {
    stopped = true;
    removeEventListener('pagehide', onHide);
    removeEventListener('pageshow', onShow);
    controller?.abort();
  };
}

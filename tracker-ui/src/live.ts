import { request } from './api';
import { app } from './app';
import { auth } from './auth';
import { pageLeaseLocks } from './leaseLocks';
import { shareLive, shareName, type Channel, type LiveSink, type Locks, type OpenStream } from './liveShare';
import { SseParser } from './sse';

/**
 * Server push: the server's `flushed` events name the runs that have new data. Views refetch
 * what they show of those runs; the runs they name are fetched again by id (only those, at most
 * every 2 s; a run the page does not know yet fetches the list's first page). The header's dot
 * says whether the stream is connected. The stream is read with fetch() rather than EventSource
 * so that it carries the token in the Authorization header (EventSource cannot send headers).
 *
 * A browser gives a host only six HTTP/1.1 connections, so one stream per tab would leave a
 * seventh tab's requests waiting. The tabs of one browser profile that are signed in the same way
 * therefore share one stream (liveShare.ts): the tab holding the Web Lock `cairn-live:...` reads
 * it and relays its events over a BroadcastChannel; the next tab in the lock's queue takes over
 * when it goes. Without `navigator.locks` (a page over plain HTTP from another host is not a
 * secure context) a lease in localStorage elects the leader instead (leaseLocks.ts); without
 * BroadcastChannel or localStorage each tab opens its own stream as before.
 * A tab leaves (closes its stream or its place in the queue) while it is hidden from history
 * (`pagehide`: navigated away, or kept in the back/forward cache) and comes back when shown.
 * Returns a function that closes the stream for good.
 */
export function startLive(dot: HTMLElement): () => void {
  const sink = pageSink(dot);
  const webLocks = (navigator as Navigator & { locks?: Locks }).locks;
  const channels = typeof BroadcastChannel !== 'undefined';
  // without Web Locks (not a secure context), a lease in localStorage elects the leader
  const locks = channels ? (webLocks ?? pageLeaseLocks()) : null;
  dot.dataset.shared = !locks ? 'no' : webLocks ? 'yes' : 'lease';
  const begin = (): (() => void) => {
    if (!locks) return openStream(sink, () => {});
    const s = shareLive({
      name: shareName(auth.me),
      locks,
      channel: (name) => new BroadcastChannel(name) as unknown as Channel,
      open: openStream,
      sink: {
        event(e) {
          dot.dataset.leader = s?.isLeader() ? 'yes' : 'no';
          sink.event(e);
        },
        down: (reason) => sink.down(reason),
      },
    });
    return () => s.stop();
  };

  let stop: (() => void) | null = begin();
  let stopped = false;
  const onHide = () => {
    stop?.();
    stop = null;
  };
  const onShow = (e: PageTransitionEvent) => {
    if (stop || stopped) return;
    if (e.persisted) stop = begin();
  };
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  return () => {
    stopped = true;
    removeEventListener('pagehide', onHide);
    removeEventListener('pageshow', onShow);
    stop?.();
    stop = null;
  };
}

/** What the events do to this page: the dot, and the runs and views to refetch. */
function pageSink(dot: HTMLElement): LiveSink {
  let runsTimer: number | null = null;
  // runs named by flushes since the last refresh: only these are fetched again
  const pending = new Set<string>();
  return {
    event(e) {
      if (e.event === 'hello') {
        const streams = Number((JSON.parse(e.data || '{}') as { streams?: number }).streams ?? 1);
        dot.classList.add('on');
        dot.dataset.streams = String(streams);
        dot.title =
          'Live: new points appear as runs train' +
          (streams > 1 ? ` (${streams} live streams are open on this server)` : '');
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
    },
    down(reason) {
      dot.classList.remove('on');
      dot.title = reason === 'paused' ? 'Live updates paused until you sign in' : 'Live updates disconnected; reconnecting…';
    },
  };
}

/**
 * This tab's own stream: reconnects when it drops, waiting 1 s, then twice as long each time up
 * to 30 s; gives up (and calls `ended`) when a token is needed to read.
 */
const openStream: OpenStream = (sink, ended) => {
  let stopped = false;
  let controller: AbortController | null = null;
  let retryMs = 1000;
  let timer: number | null = null;

  const connect = async () => {
    timer = null;
    controller = new AbortController();
    try {
      const r = await request('api/live', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
      const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.feed(value)) {
          if (e.event === 'hello') retryMs = 1000;
          if (!stopped) sink.event(e);
        }
      }
    } catch {
      /* dropped, refused or aborted: the state below says which */
    }
    if (stopped) return;
    if (auth.needsSignIn()) {
      sink.down('paused');
      ended();
      return;
    }
    sink.down('reconnecting');
    timer = window.setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  };
  void connect();
  return () => {
    stopped = true;
    if (timer !== null) window.clearTimeout(timer);
    controller?.abort();
  };
};

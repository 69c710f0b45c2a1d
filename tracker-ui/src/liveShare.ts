import type { SseEvent } from './sse';

/**
 * One live stream per browser profile and server, shared by the tabs that are signed in the same
 * way. The tabs ask the Web Locks API for one lock; the tab that holds it (the leader) opens the
 * stream and passes each event to the others over a BroadcastChannel of the same name. When the
 * leader goes (closed, navigated away, signed out) its lock is released and the next tab in the
 * lock's queue takes over and connects. Nothing here touches the page: the stream, the lock
 * manager and the channel are given, so that node tests can drive it.
 */

/** Why a stream is down: dropped and reconnecting, or paused because this tab must sign in. */
export type Down = 'reconnecting' | 'paused';

export interface LiveSink {
  event(e: SseEvent): void;
  down(reason: Down): void;
}

/** Opens a stream that reports to `sink` and reconnects on its own; `ended` once it gives up. */
export type OpenStream = (sink: LiveSink, ended: () => void) => () => void;

/**
 * The part of `navigator.locks` used here. A Web Lock is never lost while held; a lease in
 * localStorage (leaseLocks.ts) can turn out to be another tab's, and says so through `lost`.
 */
export interface Locks {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock?: { lost?: AbortSignal }) => Promise<void>): Promise<unknown>;
}

/** The part of `BroadcastChannel` used here. */
export interface Channel {
  postMessage(message: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

/** What the leader tells the others, and what a tab that joins asks. */
type Message = { kind: 'event'; event: SseEvent } | { kind: 'down' } | { kind: 'ask' };

export interface Shared {
  /** Leaves for good: a leader closes its stream and releases the lock, a follower stops listening. */
  stop(): void;
  isLeader(): boolean;
}

/**
 * The name of the lock and channel: tabs share a stream only with tabs whose sign-in allows the
 * same (who and with what scope; never the token itself).
 */
export function shareName(me: { authenticated: boolean; name: string | null; scope: string | null }): string {
  return me.authenticated ? `cairn-live:${me.scope ?? ''}:${me.name ?? ''}` : 'cairn-live:anonymous';
}

export function shareLive(opts: { name: string; locks: Locks; channel: (name: string) => Channel; open: OpenStream; sink: LiveSink }): Shared {
  const { sink } = opts;
  const channel = opts.channel(opts.name);
  const quit = new AbortController();
  let leader = false;
  let stopped = false;
  // the leader's last hello while its stream is connected: told again to tabs that join later
  let hello: SseEvent | null = null;
  let closeStream: (() => void) | null = null;
  let release: (() => void) | null = null;

  const post = (m: Message) => {
    try {
      channel.postMessage(m);
    } catch {
      /* the channel is closed: this tab is leaving */
    }
  };

  channel.onmessage = (e) => {
    const m = e.data as Message;
    if (stopped) return;
    if (m.kind === 'ask') {
      if (leader) post(hello ? { kind: 'event', event: hello } : { kind: 'down' });
      return;
    }
    if (leader) return; // another tab's leftovers from before this one took over
    if (m.kind === 'event') sink.event(m.event);
    else if (m.kind === 'down') sink.down('reconnecting');
  };

  const lead = (lock?: { lost?: AbortSignal }) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      leader = true;
      release = resolve;
      lock?.lost?.addEventListener('abort', () => {
        // another tab holds the lease after all: close this stream, follow that tab's, queue again
        if (release !== resolve) return;
        closeStream?.();
        closeStream = null;
        leader = false;
        hello = null;
        release = null;
        resolve();
        if (stopped) return;
        queue();
        post({ kind: 'ask' });
      });
      closeStream = opts.open(
        {
          event(e) {
            if (e.event === 'hello') hello = e;
            sink.event(e);
            post({ kind: 'event', event: e });
          },
          down(reason) {
            hello = null;
            sink.down(reason);
            // the others keep their own sign-in state: to them the stream is reconnecting
            post({ kind: 'down' });
          },
        },
        () => {
          // the stream gave up (this tab must sign in): let another tab lead
          closeStream = null;
          leader = false;
          hello = null;
          release = null;
          resolve();
        },
      );
    });

  const queue = () =>
    opts.locks.request(opts.name, { signal: quit.signal }, lead).catch(() => {
      /* aborted while waiting in the queue: this tab left before its turn */
    });
  queue();
  post({ kind: 'ask' });

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      quit.abort();
      if (leader) {
        closeStream?.();
        post({ kind: 'down' });
      }
      leader = false;
      closeStream = null;
      release?.();
      release = null;
      channel.onmessage = null;
      channel.close();
    },
    isLeader: () => leader,
  };
}

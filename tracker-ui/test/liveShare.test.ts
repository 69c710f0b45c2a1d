import { afterEach, describe, expect, it } from 'vitest';
import { shareLive, shareName, type Channel, type Down, type LiveSink, type Locks, type OpenStream } from '../src/liveShare';
import type { SseEvent } from '../src/sse';

/** Web Locks' exclusive mode: one holder per name, the others wait in order; an abort leaves the queue. */
class QueueLocks implements Locks {
  private held = new Map<string, Array<() => void>>();

  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const queue = this.held.get(name) ?? [];
      this.held.set(name, queue);
      const grant = () => {
        options.signal?.removeEventListener('abort', onAbort);
        callback().then(resolve, reject).finally(() => {
          queue.shift();
          queue[0]?.();
        });
      };
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i > 0) queue.splice(i, 1);
        reject(new Error('AbortError'));
      };
      options.signal?.addEventListener('abort', onAbort);
      queue.push(grant);
      if (queue.length === 1) grant();
    });
  }
}

/**
 * A lease that two tabs both believed they took (their writes crossed): the first two requests are
 * granted at once, each with its own `lost` signal; later requests wait for good.
 */
class CrossedLeases implements Locks {
  lost: AbortController[] = [];
  requests = 0;
  request(_name: string, _options: { signal?: AbortSignal }, callback: (lock?: { lost?: AbortSignal }) => Promise<void>): Promise<unknown> {
    this.requests++;
    if (this.lost.length >= 2) return new Promise(() => {});
    const lost = new AbortController();
    this.lost.push(lost);
    return callback({ lost: lost.signal });
  }
}

/** A fake server: every open stream is counted and gets `hello` with the count, then flushes. */
class FakeServer {
  streams = new Set<LiveSink>();
  opened = 0;
  open: OpenStream = (sink) => {
    this.streams.add(sink);
    this.opened++;
    sink.event({ event: 'hello', data: JSON.stringify({ streams: this.streams.size }) });
    return () => this.streams.delete(sink);
  };
  flush(ids: string[]) {
    for (const s of this.streams) s.event({ event: 'flushed', data: JSON.stringify({ runIds: ids }) });
  }
  drop() {
    for (const s of [...this.streams]) s.down('reconnecting');
  }
}

class Tab implements LiveSink {
  events: SseEvent[] = [];
  downs: Down[] = [];
  event(e: SseEvent) {
    this.events.push(e);
  }
  down(reason: Down) {
    this.downs.push(reason);
  }
  flushed(): string[] {
    return this.events.filter((e) => e.event === 'flushed').flatMap((e) => JSON.parse(e.data).runIds);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const channels: Channel[] = [];
const channel = (name: string) => {
  const c = new BroadcastChannel(name) as unknown as Channel;
  channels.push(c);
  return c;
};

afterEach(() => {
  for (const c of channels.splice(0)) c.close();
});

describe('one live stream shared by the tabs', () => {
  it('opens one stream for many tabs and relays its events to every tab', async () => {
    const server = new FakeServer();
    const locks = new QueueLocks();
    const name = `t1-${Math.random()}`;
    const tabs = Array.from({ length: 8 }, () => new Tab());
    const shared = tabs.map((sink) => shareLive({ name, locks, channel, open: server.open, sink }));
    await settle();
    expect(server.opened).toBe(1);
    expect(shared.filter((s) => s.isLeader())).toHaveLength(1);
    // every tab, the late ones too, knows the stream is connected
    for (const t of tabs) expect(t.events.some((e) => e.event === 'hello')).toBe(true);
    server.flush(['r1']);
    await settle();
    for (const t of tabs) expect(t.flushed()).toEqual(['r1']);
    shared.forEach((s) => s.stop());
  });

  it('hands the stream to the next tab when the leader leaves, and the others keep receiving', async () => {
    const server = new FakeServer();
    const locks = new QueueLocks();
    const name = `t2-${Math.random()}`;
    const tabs = [new Tab(), new Tab(), new Tab()];
    const shared = tabs.map((sink) => shareLive({ name, locks, channel, open: server.open, sink }));
    await settle();
    const first = shared.findIndex((s) => s.isLeader());
    shared[first].stop();
    await settle();
    expect(server.opened).toBe(2);
    expect(server.streams.size).toBe(1);
    const rest = tabs.filter((_, i) => i !== first);
    const next = shared.findIndex((s) => s.isLeader());
    expect(next).not.toBe(first);
    // the tab that did not take over is told the stream is reconnecting
    for (const [i, t] of tabs.entries()) if (i !== first && i !== next) expect(t.downs).toEqual(['reconnecting']);
    server.flush(['r2']);
    await settle();
    for (const t of rest) expect(t.flushed()).toEqual(['r2']);
    expect(tabs[first].flushed()).toEqual([]);
    shared.forEach((s) => s.stop());
    expect(server.streams.size).toBe(0);
  });

  it('a leader told that its lease was another tab\'s closes its stream and follows that tab', async () => {
    const server = new FakeServer();
    const locks = new CrossedLeases();
    const name = `t7-${Math.random()}`;
    const [a, b] = [new Tab(), new Tab()];
    const sa = shareLive({ name, locks, channel, open: server.open, sink: a });
    const sb = shareLive({ name, locks, channel, open: server.open, sink: b });
    await settle();
    expect(sa.isLeader() && sb.isLeader()).toBe(true);
    expect(server.streams.size).toBe(2);

    locks.lost[0].abort(); // a's lease turned out to be b's
    await settle();
    expect(sa.isLeader()).toBe(false);
    expect(sb.isLeader()).toBe(true);
    expect(server.streams.size).toBe(1);
    expect(locks.requests).toBe(3); // a waits for the lease again
    server.flush(['r7']);
    await settle();
    expect(a.flushed()).toEqual(['r7']); // through b
    expect(b.flushed()).toEqual(['r7']);
    sa.stop();
    sb.stop();
  });

  it('tells the followers when the stream drops', async () => {
    const server = new FakeServer();
    const locks = new QueueLocks();
    const name = `t3-${Math.random()}`;
    const tabs = [new Tab(), new Tab()];
    const shared = tabs.map((sink) => shareLive({ name, locks, channel, open: server.open, sink }));
    await settle();
    server.drop();
    await settle();
    for (const t of tabs) expect(t.downs).toEqual(['reconnecting']);
    // a tab that opens meanwhile is told so too, not left "connecting"
    const late = new Tab();
    const sl = shareLive({ name, locks, channel, open: server.open, sink: late });
    await settle();
    expect(late.downs).toEqual(['reconnecting']);
    sl.stop();
    shared.forEach((s) => s.stop());
  });

  it('lets another tab lead when the leader must sign in', async () => {
    let opened = 0;
    const open: OpenStream = (sink, ended) => {
      opened++;
      if (opened === 1) {
        sink.down('paused');
        ended();
      } else sink.event({ event: 'hello', data: '{"streams":1}' });
      return () => {};
    };
    const locks = new QueueLocks();
    const name = `t4-${Math.random()}`;
    const a = new Tab();
    const b = new Tab();
    const sa = shareLive({ name, locks, channel, open, sink: a });
    const sb = shareLive({ name, locks, channel, open, sink: b });
    await settle();
    expect(opened).toBe(2);
    expect(a.downs).toEqual(['paused']);
    // b's own sign-in state is its own: it is never told to sign in
    expect(b.downs).not.toContain('paused');
    expect(b.events.map((e) => e.event)).toEqual(['hello']);
    expect(sb.isLeader()).toBe(true);
    sa.stop();
    sb.stop();
  });

  it('does not share between tabs signed in differently, and never names the token', () => {
    const anon = shareName({ authenticated: false, name: null, scope: null });
    const alice = shareName({ authenticated: true, name: 'alice', scope: 'read' });
    const aliceAdmin = shareName({ authenticated: true, name: 'alice', scope: 'admin' });
    expect(new Set([anon, alice, aliceAdmin]).size).toBe(3);
  });

  it('keeps tabs of different sign-ins apart', async () => {
    const server = new FakeServer();
    const locks = new QueueLocks();
    const a = new Tab();
    const b = new Tab();
    const sa = shareLive({ name: `t6-a-${Math.random()}`, locks, channel, open: server.open, sink: a });
    const sb = shareLive({ name: `t6-b-${Math.random()}`, locks, channel, open: server.open, sink: b });
    await settle();
    expect(server.opened).toBe(2);
    expect(sa.isLeader() && sb.isLeader()).toBe(true);
    sa.stop();
    sb.stop();
  });
});

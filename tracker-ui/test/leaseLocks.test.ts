import { describe, expect, it } from 'vitest';
import { leaseLocks, type LeaseClock } from '../src/leaseLocks';
import type { Locks } from '../src/liveShare';

const settled = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Time that moves only when the test says, with the timers due by then run in order. */
class FakeClock implements LeaseClock {
  t = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; f: () => void }>();
  now = () => this.t;
  setTimeout = (f: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, f });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  async advance(ms: number) {
    const end = this.t + ms;
    await settled(); // what the test just did (a release) runs first
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (due.length === 0) break;
      const [id, { at, f }] = due[0];
      this.timers.delete(id);
      this.t = Math.max(this.t, at);
      f();
      await settled();
    }
    this.t = end;
    await Promise.resolve();
  }
}

/**
 * One origin's localStorage as chromium keeps it: the browser process holds the truth and a tab's
 * write reaches it (and the other tabs, with a `storage` event) `lagMs` later; until then only the
 * writing tab sees its own write.
 */
class SharedStorage {
  data = new Map<string, string>();
  listeners = new Map<string, Set<(key: string | null, value: string | null) => void>>();
  constructor(
    private clock: FakeClock,
    private lagMs = 0,
  ) {}
  forTab(tab: string) {
    const pending = new Map<string, string | null>();
    const apply = (k: string, v: string | null) => {
      if (v === null) this.data.delete(k);
      else this.data.set(k, v);
      for (const [t, ls] of this.listeners) if (t !== tab) for (const l of [...ls]) l(k, v);
    };
    const put = (k: string, v: string | null) => {
      if (this.lagMs === 0) return apply(k, v);
      pending.set(k, v);
      this.clock.setTimeout(() => {
        if (pending.get(k) === v) pending.delete(k);
        apply(k, v);
      }, this.lagMs);
    };
    return {
      getItem: (k: string) => (pending.has(k) ? pending.get(k)! : (this.data.get(k) ?? null)),
      setItem: (k: string, v: string) => put(k, v),
      removeItem: (k: string) => put(k, null),
    };
  }
}

function tab(storage: SharedStorage, clock: FakeClock, owner: string): Locks {
  return leaseLocks({
    storage: storage.forTab(owner),
    owner,
    clock,
    watch(listener) {
      const own = storage.listeners.get(owner) ?? new Set();
      storage.listeners.set(owner, own);
      own.add(listener);
      return () => own.delete(listener);
    },
  });
}

/**
 * Asks for the lock; `held` says whether the callback runs; `release()` ends it. A holder told that
 * it lost the lease hands over and asks again, as liveShare does (`losses` counts it).
 */
function ask(locks: Locks, signal?: AbortSignal) {
  const state = { held: false, released: false, losses: 0, rejected: null as unknown, release: () => {} };
  const request = (): Promise<unknown> =>
    locks.request('cairn-live:x', { signal }, (lock) => {
      state.held = true;
      return new Promise<void>((resolve) => {
        state.release = () => {
          state.held = false;
          resolve();
        };
        lock?.lost?.addEventListener('abort', () => {
          state.losses++;
          state.held = false;
          resolve();
          void request();
        });
      });
    });
  request()
    .then(
      () => (state.released = true),
      (e) => (state.rejected = e),
    );
  return state;
}

describe('lease locks (no Web Locks: plain HTTP from another host)', () => {
  it('lets one tab hold the lease and hands it to a waiting tab when the holder lets go', async () => {
    const clock = new FakeClock();
    const storage = new SharedStorage(clock);
    const a = ask(tab(storage, clock, 'a'));
    await clock.advance(200);
    const b = ask(tab(storage, clock, 'b'));
    await clock.advance(5_000);
    expect(a.held).toBe(true);
    expect(b.held).toBe(false);

    // renewed while held: still a's long after the first term would have run out
    await clock.advance(400_000);
    expect(a.held).toBe(true);
    expect(b.held).toBe(false);
    expect(JSON.parse(storage.data.get('cairn-live:x:lease')!).owner).toBe('a');

    a.release();
    await clock.advance(200); // b hears the removal at once, then settles
    expect(a.released).toBe(true);
    expect(b.held).toBe(true);
    expect(JSON.parse(storage.data.get('cairn-live:x:lease')!).owner).toBe('b');
  });

  it('gives the lease to one of three tabs that ask in the same moment, though each sees its own write first', async () => {
    const clock = new FakeClock();
    const storage = new SharedStorage(clock, 20);
    const tabs = ['a', 'b', 'c'].map((o) => ask(tab(storage, clock, o)));
    await clock.advance(10_000);
    expect(tabs.filter((t) => t.held)).toHaveLength(1);
  });

  it('when writes reach the other tabs after the settle time, the tabs that also settled hand over to the one whose write stayed', async () => {
    const clock = new FakeClock();
    const storage = new SharedStorage(clock, 300); // later than settleMs (100): each tab settles on its own write
    const tabs = ['a', 'b', 'c'].map((o) => ask(tab(storage, clock, o)));
    await clock.advance(150);
    expect(tabs.filter((t) => t.held)).toHaveLength(3); // what a fixed settle time alone allows
    await clock.advance(10_000);
    const holders = tabs.filter((t) => t.held);
    expect(holders).toHaveLength(1);
    expect(tabs.reduce((n, t) => n + t.losses, 0)).toBe(2);
    const owner = JSON.parse(storage.data.get('cairn-live:x:lease')!).owner;
    expect(tabs[['a', 'b', 'c'].indexOf(owner)].held).toBe(true);
    // and it stays so: the holder renews, the others wait
    await clock.advance(400_000);
    expect(tabs.filter((t) => t.held)).toHaveLength(1);
    expect(tabs[['a', 'b', 'c'].indexOf(owner)].held).toBe(true);
  });

  it('takes over a lease whose holder died without letting go once its term is over', async () => {
    const clock = new FakeClock();
    const storage = new SharedStorage(clock);
    storage.data.set('cairn-live:x:lease', JSON.stringify({ owner: 'crashed', until: clock.t + 60_000 }));
    const b = ask(tab(storage, clock, 'b'));
    await clock.advance(59_000);
    expect(b.held).toBe(false);
    await clock.advance(2_000);
    expect(b.held).toBe(true);
  });

  it('leaves the queue when aborted, and a lease it cannot parse counts as free', async () => {
    const clock = new FakeClock();
    const storage = new SharedStorage(clock);
    const a = ask(tab(storage, clock, 'a'));
    await clock.advance(200);
    const quit = new AbortController();
    const b = ask(tab(storage, clock, 'b'), quit.signal);
    quit.abort();
    await clock.advance(10);
    expect((b.rejected as DOMException).name).toBe('AbortError');
    a.release();
    await clock.advance(5_000);
    expect(b.held).toBe(false);
    expect(storage.data.has('cairn-live:x:lease')).toBe(false);

    storage.data.set('cairn-live:x:lease', 'not json');
    const c = ask(tab(storage, clock, 'c'));
    await clock.advance(200);
    expect(c.held).toBe(true);
  });
});

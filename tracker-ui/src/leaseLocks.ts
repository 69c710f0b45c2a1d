import type { Locks } from './liveShare';

/**
 * The part of the Web Locks API that liveShare.ts uses, for pages that are not a secure context
 * (the dashboard over plain HTTP from another host), where the browser has no `navigator.locks`.
 *
 * The lock is a lease in localStorage, shared by the tabs of one browser profile and origin:
 * `{owner, until}` under `NAME:lease`. A tab takes it when it is absent, its own or past `until`;
 * it writes itself in, waits `settleMs` and reads it again, so that of two tabs writing at once
 * only the one whose write stayed goes on (the other waits). The holder renews `until` every
 * `renewMs` and removes the lease when its callback's promise settles; the waiting tabs hear the
 * removal through the `storage` event and try at once, and otherwise look every `pollMs`.
 *
 * A write can reach the other tabs later than `settleMs` (chromium hands localStorage between
 * renderers asynchronously, and a busy machine delays it), so two tabs may both settle on their
 * own write. A holder therefore keeps checking: whenever the lease changes under it (a `storage`
 * event, looked at again `settleMs` later) and at every renewal, a lease that another tab holds
 * within its term means this tab has lost it, and the callback is told through `lock.lost` (an
 * AbortSignal) to hand over; the lease itself stays with the other tab.
 *
 * What a lease cannot do that a Web Lock does: a tab that dies without unloading (a crashed
 * renderer) keeps the lease until `until` passes (`ttlMs`, long enough that a hidden tab whose
 * timers the browser slows to one a minute still renews in time); and until a holder sees that it
 * lost the lease, two streams may run for a while. Events are notices ("these runs have new data"),
 * so a tab that hears one twice only fetches twice.
 */

/** The part of `localStorage` used here. */
export interface LeaseStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Time and timers: the page's, or a test's. */
export interface LeaseClock {
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LeaseOptions {
  storage: LeaseStorage;
  /** This tab's name in the lease: unique per page load. */
  owner: string;
  /** Calls `listener(key)` when another tab changes or removes `key`; returns the unsubscribe. */
  watch(listener: (key: string | null, newValue: string | null) => void): () => void;
  clock?: LeaseClock;
  ttlMs?: number;
  renewMs?: number;
  pollMs?: number;
  settleMs?: number;
}

interface Lease {
  owner: string;
  until: number;
}

const pageClock: LeaseClock = {
  now: () => Date.now(),
  setTimeout: (f, ms) => window.setTimeout(f, ms),
  clearTimeout: (h) => window.clearTimeout(h as number),
};

export function leaseLocks(opts: LeaseOptions): Locks {
  const { storage, owner, watch } = opts;
  const clock = opts.clock ?? pageClock;
  const ttl = opts.ttlMs ?? 180_000;
  const renewMs = opts.renewMs ?? 15_000;
  const pollMs = opts.pollMs ?? 1_000;
  const settleMs = opts.settleMs ?? 100;

  return {
    request(name, options, callback) {
      const key = `${name}:lease`;
      const read = (): Lease | null => {
        try {
          const v = JSON.parse(storage.getItem(key) ?? 'null') as Lease | null;
          return v && typeof v.owner === 'string' && typeof v.until === 'number' ? v : null;
        } catch {
          return null; // not ours to read: treated as free, and overwritten
        }
      };
      const write = () => storage.setItem(key, JSON.stringify({ owner, until: clock.now() + ttl }));

      return new Promise((resolve, reject) => {
        let waiting = true;
        let timer: unknown = null;
        const later = (ms: number, f: () => void) => {
          if (timer !== null) clock.clearTimeout(timer);
          timer = clock.setTimeout(() => {
            timer = null;
            f();
          }, ms);
        };
        const stopWaiting = () => {
          waiting = false;
          if (timer !== null) clock.clearTimeout(timer);
          timer = null;
          unwatch();
          options.signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          if (!waiting) return;
          stopWaiting();
          reject(new DOMException('the request was aborted', 'AbortError'));
        };
        const attempt = () => {
          if (!waiting) return;
          const held = read();
          if (held && held.owner !== owner && held.until > clock.now()) {
            later(pollMs, attempt);
            return;
          }
          write();
          // another tab may have written in the same moment: the write that stayed goes on
          later(settleMs, () => {
            if (!waiting) return;
            if (read()?.owner !== owner) {
              later(pollMs, attempt);
              return;
            }
            stopWaiting();
            hold();
          });
        };
        const hold = () => {
          let renewal: unknown = null;
          let check: unknown = null;
          const lost = new AbortController();
          // another tab holds the lease within its term: it is theirs, and this tab hands over
          const takenByOther = () => {
            const held = read();
            return held !== null && held.owner !== owner && held.until > clock.now();
          };
          const lose = () => {
            if (lost.signal.aborted) return;
            clock.clearTimeout(renewal);
            stopChecking();
            lost.abort();
          };
          const renew = () => {
            const held = read();
            if (takenByOther()) return lose();
            if (!held || held.owner === owner || held.until <= clock.now()) write();
            renewal = clock.setTimeout(renew, renewMs);
          };
          renewal = clock.setTimeout(renew, renewMs);
          let checking = true;
          const unwatchLease = watch((k) => {
            if (k !== key || lost.signal.aborted) return;
            if (check !== null) clock.clearTimeout(check);
            check = clock.setTimeout(() => {
              check = null;
              if (takenByOther()) lose();
            }, settleMs);
          });
          function stopChecking() {
            if (!checking) return;
            checking = false;
            unwatchLease();
          }
          const done = () => {
            clock.clearTimeout(renewal);
            if (check !== null) clock.clearTimeout(check);
            stopChecking();
            if (read()?.owner === owner) storage.removeItem(key);
          };
          callback({ lost: lost.signal }).then(
            (v) => {
              done();
              resolve(v);
            },
            (e) => {
              done();
              reject(e);
            },
          );
        };
        const unwatch = watch((k, value) => {
          if (waiting && k === key && value === null) attempt();
        });
        if (options.signal?.aborted) {
          onAbort();
          return;
        }
        options.signal?.addEventListener('abort', onAbort);
        attempt();
      });
    },
  };
}

/** The page's lease locks, or null where localStorage cannot be used (blocked, private mode). */
export function pageLeaseLocks(): Locks | null {
  let storage: Storage;
  try {
    storage = window.localStorage;
    const probe = 'cairn-live:probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
  } catch {
    return null;
  }
  const owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return leaseLocks({
    storage,
    owner,
    watch(listener) {
      const onStorage = (e: StorageEvent) => {
        if (e.storageArea === storage) listener(e.key, e.newValue);
      };
      addEventListener('storage', onStorage);
      return () => removeEventListener('storage', onStorage);
    },
  });
}

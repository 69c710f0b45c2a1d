/**
 * Who the dashboard is signed in as. The token lives in sessionStorage (`cairn.token`) only, so
 * it ends with the browser session and is never written to localStorage or a URL. The server's
 * `GET /api/auth/me` says whether a token is needed and what the current one may do.
 */
export type Scope = 'read' | 'write' | 'admin';

export interface Me {
  authRequired: boolean;
  publicRead: boolean;
  authenticated: boolean;
  name: string | null;
  scope: Scope | null;
}

/** What the dashboard asks before it shows a control. */
export type Action = 'read' | 'write' | 'admin';

export const TOKEN_KEY = 'cairn.token';
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** Before `/api/auth/me` answered: assume nothing is allowed beyond reading. */
const UNKNOWN: Me = { authRequired: false, publicRead: false, authenticated: false, name: null, scope: null };

type Listener = (reason: 'changed' | 'required') => void;

export class Auth {
  me: Me = UNKNOWN;
  private listeners: Listener[] = [];

  constructor(private readonly storage: Storage) {}

  token(): string | null {
    return this.storage.getItem(TOKEN_KEY);
  }

  setToken(token: string): void {
    this.storage.setItem(TOKEN_KEY, token.trim());
  }

  /** Forgets the token; where the server needs one, nothing is authenticated any more. */
  signOut(): void {
    this.storage.removeItem(TOKEN_KEY);
    if (this.me.authRequired) this.setMe({ ...this.me, authenticated: false, name: null, scope: null });
  }

  setMe(me: Me): void {
    this.me = me;
    this.emit('changed');
  }

  /** Headers every request carries: the token, and the CSRF marker on state-changing methods. */
  headers(method = 'GET'): Record<string, string> {
    const h: Record<string, string> = {};
    const t = this.token();
    if (t) h['Authorization'] = `Bearer ${t}`;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())) h['X-Cairn-Request'] = '1';
    return h;
  }

  /** True when the sign-in form must be shown: a token is needed even to read. */
  needsSignIn(): boolean {
    return this.me.authRequired && !this.me.authenticated && !this.me.publicRead;
  }

  can(action: Action): boolean {
    if (action === 'read') return this.me.authenticated || this.me.publicRead || !this.me.authRequired;
    if (!this.me.authenticated || !this.me.scope) return false;
    return RANK[this.me.scope] >= RANK[action];
  }

  /** Deleting needs write on one's own runs and admin on anyone else's. */
  canDelete(owner: string | null | undefined): boolean {
    if (this.can('admin')) return true;
    return this.can('write') && (owner == null || owner === this.me.name);
  }

  /** A request answered 401: the token is missing, wrong, expired or revoked. */
  unauthenticated(): void {
    if (this.token()) this.storage.removeItem(TOKEN_KEY);
    this.me = { ...this.me, authRequired: true, authenticated: false, name: null, scope: null };
    this.emit('changed');
    this.emit('required');
  }

  on(fn: Listener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  private emit(reason: 'changed' | 'required'): void {
    for (const l of this.listeners.slice()) l(reason);
  }
}

/** In a browser the session's storage; elsewhere (unit tests import modules) a memory stand-in. */
function sessionStore(): Storage {
  if (typeof sessionStorage !== 'undefined') return sessionStorage;
  const m = new Map<string, string>();
  return {
    get length() { return m.size; },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

export const auth = new Auth(sessionStore());

import { describe, expect, it } from 'vitest';
import { Auth, TOKEN_KEY, type Me } from '../src/auth';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() { return this.m.size; }
  clear() { this.m.clear(); }
  getItem(k: string) { return this.m.get(k) ?? null; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  removeItem(k: string) { this.m.delete(k); }
  setItem(k: string, v: string) { this.m.set(k, v); }
}

const open: Me = { authRequired: false, publicRead: false, authenticated: true, name: 'local', scope: 'admin' };
const signedOut: Me = { authRequired: true, publicRead: false, authenticated: false, name: null, scope: null };
const as = (name: string, scope: 'read' | 'write' | 'admin'): Me => ({ authRequired: true, publicRead: false, authenticated: true, name, scope });

describe('auth state', () => {
  it('keeps the token in the given (session) storage under cairn.token, and forgets it on sign-out', () => {
    const store = new MemoryStorage();
    const a = new Auth(store);
    a.setToken('  cairn_abc \n');
    expect(store.getItem(TOKEN_KEY)).toBe('cairn_abc');
    expect(a.headers('GET')).toEqual({ Authorization: 'Bearer cairn_abc' });
    a.setMe(as('ana', 'write'));
    a.signOut();
    expect(store.getItem(TOKEN_KEY)).toBeNull();
    expect(a.me.authenticated).toBe(false);
    expect(a.needsSignIn()).toBe(true);
  });

  it('marks every state-changing method for the CSRF rule, and no read', () => {
    const a = new Auth(new MemoryStorage());
    for (const m of ['GET', 'head', 'OPTIONS']) expect(a.headers(m)).toEqual({});
    for (const m of ['POST', 'put', 'PATCH', 'DELETE']) expect(a.headers(m)).toEqual({ 'X-Cairn-Request': '1' });
  });

  it('needs no sign-in where the server needs no token, and allows everything there', () => {
    const a = new Auth(new MemoryStorage());
    a.setMe(open);
    expect(a.needsSignIn()).toBe(false);
    expect(['read', 'write', 'admin'].map((x) => a.can(x as 'read'))).toEqual([true, true, true]);
    expect(a.canDelete('someone-else')).toBe(true);
  });

  it('shows each scope only its actions', () => {
    const a = new Auth(new MemoryStorage());
    const table = (me: Me) => {
      a.setMe(me);
      return [a.can('read'), a.can('write'), a.can('admin'), a.canDelete('ana'), a.canDelete('bo')];
    };
    expect(table(as('ana', 'read'))).toEqual([true, false, false, false, false]);
    expect(table(as('ana', 'write'))).toEqual([true, true, false, true, false]);
    expect(table(as('ana', 'admin'))).toEqual([true, true, true, true, true]);
    expect(table(signedOut)).toEqual([false, false, false, false, false]);
    expect(table({ ...signedOut, publicRead: true })).toEqual([true, false, false, false, false]);
  });

  it('asks for a token when public reading is off, not when it is on', () => {
    const a = new Auth(new MemoryStorage());
    a.setMe(signedOut);
    expect(a.needsSignIn()).toBe(true);
    a.setMe({ ...signedOut, publicRead: true });
    expect(a.needsSignIn()).toBe(false);
  });

  it('on a 401 drops the token and tells listeners a sign-in is required', () => {
    const store = new MemoryStorage();
    const a = new Auth(store);
    a.setToken('cairn_revoked');
    a.setMe(as('ana', 'write'));
    const heard: string[] = [];
    a.on((r) => heard.push(r));
    a.unauthenticated();
    expect(store.getItem(TOKEN_KEY)).toBeNull();
    expect(heard).toEqual(['changed', 'required']);
    expect(a.needsSignIn()).toBe(true);
    expect(a.can('write')).toBe(false);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, blob, me, prefetchTags, request, tags } from '../src/api';
import { auth, TOKEN_KEY } from '../src/auth';

/** A real HTTP server on 127.0.0.1 that records each request and answers like Cairn's auth. */
let server: Server;
let base = '';
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const good = req.headers.authorization === 'Bearer cairn_good';
    if (req.url === '/api/auth/me') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ authRequired: true, publicRead: false, authenticated: good, name: good ? 'ana' : null, scope: good ? 'write' : null }));
    } else if (!good) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer realm="cairn"' });
      res.end(JSON.stringify({ error: 'A token is needed: send Authorization: Bearer <token>.', code: 'unauthenticated' }));
    } else if (req.url!.startsWith('/api/dashboard/tags')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ scalars: { loss: ['r1'] }, images: {}, histograms: {}, texts: {}, graphs: [], unknownRuns: [] }));
    } else if (req.url === '/api/old-style-error') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Run x not found' } }));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  auth.signOut();
  auth.setMe({ authRequired: true, publicRead: false, authenticated: false, name: null, scope: null });
});

describe('the fetch helper', () => {
  it('sends the bearer token on reads and adds X-Cairn-Request on writes only', async () => {
    auth.setToken('cairn_good');
    await request(`${base}/api/runs`);
    await request(`${base}/api/runs/r1`, { method: 'DELETE' });
    await request(`${base}/api/runs/r1/notes`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(seen.map((s) => [s.method, s.headers.authorization, s.headers['x-cairn-request']])).toEqual([
      ['GET', 'Bearer cairn_good', undefined],
      ['DELETE', 'Bearer cairn_good', '1'],
      ['PUT', 'Bearer cairn_good', '1'],
    ]);
    expect(seen[2].headers['content-type']).toBe('application/json');
  });

  it('sends no Authorization header without a token', async () => {
    await expect(request(`${base}/api/runs`)).rejects.toThrow(ApiError);
    expect(seen[0].headers.authorization).toBeUndefined();
  });

  it('turns a 401 into a sign-in request: the token is dropped and listeners hear it', async () => {
    auth.setToken('cairn_revoked');
    const heard: string[] = [];
    const off = auth.on((r) => heard.push(r));
    const err = await request(`${base}/api/runs`).catch((e) => e);
    off();
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toBe('A token is needed: send Authorization: Bearer <token>.');
    expect(auth.token()).toBeNull();
    expect(heard).toContain('required');
    expect(auth.needsSignIn()).toBe(true);
  });

  it('reads both error body shapes', async () => {
    auth.setToken('cairn_good');
    const err = await request(`${base}/api/old-style-error`).catch((e) => e);
    expect([(err as ApiError).status, (err as ApiError).message]).toEqual([404, 'Run x not found']);
  });

  it('asks /api/auth/me with the stored token', async () => {
    expect((await me(`${base}/api/auth/me`)).authenticated).toBe(false);
    auth.setToken('cairn_good');
    expect(await me(`${base}/api/auth/me`)).toEqual({ authRequired: true, publicRead: false, authenticated: true, name: 'ana', scope: 'write' });
    expect(seen.map((s) => s.headers.authorization)).toEqual([undefined, 'Bearer cairn_good']);
  });

  it('fetches files with the token as blobs', async () => {
    auth.setToken('cairn_good');
    expect(await (await blob(`${base}/api/runs/r1/images/png`)).text()).toBe('ok');
  });
});

describe('tags asked for ahead (a deep link to Scalars)', () => {
  const tagRequests = () => seen.filter((s) => s.url.startsWith('/api/dashboard/tags')).length;

  it('are taken by the next tags call for the same runs: one request', async () => {
    auth.setToken('cairn_good');
    prefetchTags(['r1'], `${base}/`);
    expect((await tags(['r1'], `${base}/`)).scalars).toEqual({ loss: ['r1'] });
    expect(tagRequests()).toBe(1);
    // taken once: the next call asks again
    await tags(['r1'], `${base}/`);
    expect(tagRequests()).toBe(2);
  });

  it('are not used for other runs', async () => {
    auth.setToken('cairn_good');
    prefetchTags(['r1'], `${base}/`);
    await tags(['r2'], `${base}/`);
    expect(seen.filter((s) => s.url.startsWith('/api/dashboard/tags')).map((s) => s.url)).toContain('/api/dashboard/tags?runs=r2');
  });

  it('when refused, are dropped quietly: the ordinary request reports the 401 once', async () => {
    const heard: string[] = [];
    const off = auth.on((r) => heard.push(r));
    prefetchTags(['r1'], `${base}/`);
    const err = await tags(['r1'], `${base}/`).catch((e) => e);
    off();
    expect((err as ApiError).status).toBe(401);
    expect(tagRequests()).toBe(2);
    expect(heard.filter((r) => r === 'required')).toHaveLength(1);
  });
});

describe('token storage', () => {
  it('uses cairn.token', () => {
    auth.setToken('cairn_x');
    expect(auth.token()).toBe('cairn_x');
    expect(TOKEN_KEY).toBe('cairn.token');
  });
});

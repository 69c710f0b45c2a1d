import 'uplot/dist/uPlot.min.css';
import './style.css';
import * as api from './api';
import { app } from './app';
import { auth } from './auth';
import { startLive } from './live';
import { renderSidebar } from './sidebar';
import type { View } from './state';
import { mountGraph } from './views/graph';
import { mountHistograms } from './views/histograms';
import { mountHparams } from './views/hparams';
import { mountImages } from './views/images';
import { mountRun } from './views/run';
import { mountRuns } from './views/runs';
import { mountScalars } from './views/scalars';
import { mountSweeps } from './views/sweeps';
import { mountText } from './views/text';

/** A mounted view: it renders into `main` and its settings into `settings`; returns its cleanup. */
export type Mount = (main: HTMLElement, settings: HTMLElement) => () => void;

const VIEWS: { id: View; label: string; title: string; mount: Mount; notInNav?: boolean }[] = [
  { id: 'runs', label: 'Runs', title: 'All runs: filter, sort, group, tag, hide, delete', mount: mountRuns },
  { id: 'scalars', label: 'Scalars', title: 'Metrics over steps or time, selected runs overlaid', mount: mountScalars },
  { id: 'images', label: 'Images', title: 'Logged images: sample predictions, confusion matrices', mount: mountImages },
  { id: 'histograms', label: 'Histograms', title: 'Weight and gradient distributions over epochs', mount: mountHistograms },
  { id: 'hparams', label: 'HParams', title: 'Hyperparameters against final metrics', mount: mountHparams },
  { id: 'graph', label: 'Graph', title: 'The model: blocks, shapes and parameter counts', mount: mountGraph },
  { id: 'text', label: 'Text', title: 'Logged text: tables, notes, predictions', mount: mountText },
  { id: 'sweeps', label: 'Sweeps', title: 'Hyperparameter sweeps: best so far, trials, parallel coordinates, importance', mount: mountSweeps },
  // one run's page (#/run/ID), reached from the runs table
  { id: 'run', label: 'Run', title: 'One run: status, params, provenance, metrics, artifacts', mount: mountRun, notInNav: true },
];

/** True once the views may load data: no token is needed, or one was accepted. */
let ready = false;

function applyTheme(): void {
  const chosen = app.state.theme || localStorage.getItem('cairn.theme') || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
  document.documentElement.dataset.theme = chosen;
}

function start(): void {
  const root = document.getElementById('app')!;
  root.innerHTML = `
    <header class="top">
      <a class="brand" href="#/runs" title="Cairn: experiment tracking">
        <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true"><ellipse cx="8" cy="13" rx="7" ry="2.5" fill="#4e79a7"/><ellipse cx="8" cy="8.5" rx="5" ry="2.2" fill="#76b7b2"/><ellipse cx="8" cy="4.5" rx="3" ry="1.8" fill="#f28e2b"/></svg>
        Cairn</a>
      <nav class="tabs">${VIEWS.filter((v) => !v.notInNav).map((v) => `<a data-view="${v.id}" href="#/${v.id}" title="${v.title}">${v.label}</a>`).join('')}</nav>
      <span class="spacer"></span>
      <span class="live" title="Connecting to live updates…"><i></i>live</span>
      <span class="who muted" hidden></span>
      <button class="signin-open" hidden title="Sign in with a token to change runs">Sign in</button>
      <button class="signout" hidden title="Forget the token in this browser tab; the dashboard asks for it again">Sign out</button>
      <button class="theme-toggle" title="Switch between dark and light theme">◐ Theme</button>
    </header>
    <div class="layout">
      <aside class="sidebar"><div class="settings"></div><div class="runs-panel"></div></aside>
      <main class="main"></main>
    </div>
    <div class="signin" hidden>
      <form class="signin-form">
        <h2>Sign in to Cairn</h2>
        <p class="muted">This server needs an access token. Ask its admin for one (they create it with <code>cairn token create --name YOU</code>). It is kept in this browser tab only, until you sign out or close it.</p>
        <label>Token <input class="signin-token" type="password" autocomplete="off" spellcheck="false" placeholder="cairn_…" required /></label>
        <div class="signin-error error"></div>
        <div class="buttons"><button class="signin-cancel" type="button" hidden>Cancel</button><button class="primary signin-submit" type="submit">Sign in</button></div>
      </form>
    </div>`;
  const main = root.querySelector<HTMLElement>('.main')!;
  const settings = root.querySelector<HTMLElement>('.settings')!;
  const runsPanel = root.querySelector<HTMLElement>('.runs-panel')!;
  const layout = root.querySelector<HTMLElement>('.layout')!;

  root.querySelector('.theme-toggle')!.addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('cairn.theme', next);
    app.set({ theme: app.state.theme ? next : '' });
    applyTheme();
    app.emit('theme');
  });
  // links inside the app keep the current settings: only the view changes
  root.querySelector('.tabs')!.addEventListener('click', (e) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-view]');
    if (!a) return;
    e.preventDefault();
    app.set({ view: a.dataset.view as View });
  });

  let current: View | null = null;
  let currentRun = '';
  let cleanup: () => void = () => {};
  const show = () => {
    if (app.state.view === current && (current !== 'run' || app.state.runPage === currentRun)) return;
    currentRun = app.state.runPage;
    current = app.state.view;
    cleanup();
    main.innerHTML = '';
    settings.innerHTML = '';
    // Runs and Sweeps pick their runs themselves: no runs panel
    layout.classList.toggle('no-sidebar', current === 'runs' || current === 'sweeps' || current === 'run');
    root.querySelectorAll<HTMLElement>('.tabs a').forEach((a) => a.classList.toggle('active', a.dataset.view === current));
    document.title = `${VIEWS.find((v) => v.id === current)!.label} · Cairn`;
    cleanup = VIEWS.find((v) => v.id === current)!.mount(main, settings);
  };
  applyTheme();
  app.on((reason) => {
    if (reason === 'state' && ready) show();
    if (reason === 'runs') showRunNames(root);
  });
  window.addEventListener('popstate', () => app.fromUrl());
  window.addEventListener('hashchange', () => app.fromUrl());
  // a link to Scalars names its runs: their tags are asked for beside /api/auth/me, not after it
  if (app.state.view === 'scalars' && app.state.runs?.length) api.prefetchTags(app.state.runs);
  renderSidebar(runsPanel);
  setUpAuth(root, show);
}

/**
 * Run names arrive after a view may have drawn (a deep link, a fresh load): every element marked
 * `data-run-name` shows its run's name once it is known, never the id.
 */
function showRunNames(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-run-name]')) {
    const id = el.dataset.runName!;
    const name = app.runName(id);
    const text = el.tagName === 'OPTION' ? `${name} · ${id.slice(0, 8)}` : name;
    if (el.textContent !== text) el.textContent = text;
  }
}

/**
 * Asks the server who we are; shows the sign-in form when a token is needed (at load, or when
 * any request answers 401), the signed-in name and a sign-out control otherwise.
 */
function setUpAuth(root: HTMLElement, show: () => void): void {
  const overlay = root.querySelector<HTMLElement>('.signin')!;
  const form = root.querySelector<HTMLFormElement>('.signin-form')!;
  const input = root.querySelector<HTMLInputElement>('.signin-token')!;
  const error = root.querySelector<HTMLElement>('.signin-error')!;
  const cancel = root.querySelector<HTMLButtonElement>('.signin-cancel')!;
  const who = root.querySelector<HTMLElement>('.who')!;
  const signOut = root.querySelector<HTMLButtonElement>('.signout')!;
  const signInOpen = root.querySelector<HTMLButtonElement>('.signin-open')!;
  const liveDot = root.querySelector<HTMLElement>('.live')!;
  let stopLive: (() => void) | null = null;

  const ask = (message = '') => {
    stopLive?.();
    stopLive = null;
    error.textContent = message;
    cancel.hidden = !auth.me.publicRead;
    overlay.hidden = false;
    input.value = '';
    input.focus();
  };
  const begin = () => {
    overlay.hidden = true;
    if (!stopLive) stopLive = startLive(liveDot);
    if (!ready) {
      ready = true;
      show();
    }
    void app.reloadRuns();
  };
  const renderWho = () => {
    const m = auth.me;
    who.hidden = !m.authRequired || !m.authenticated;
    who.textContent = m.authenticated ? `${m.name} · ${m.scope}` : '';
    who.title = `Signed in as ${m.name} with ${m.scope} scope`;
    signOut.hidden = !m.authRequired || !m.authenticated;
    signInOpen.hidden = !(m.authRequired && m.publicRead && !m.authenticated);
  };
  auth.on((reason) => {
    renderWho();
    app.emit('auth');
    if (reason === 'required' && overlay.hidden) ask('Your token was not accepted (missing, wrong, expired or revoked); sign in again.');
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    auth.setToken(token);
    error.textContent = '';
    try {
      const me = await api.me();
      if (!me.authenticated) {
        auth.signOut();
        error.textContent = 'That token was not accepted: it is wrong, expired or revoked.';
        input.select();
        return;
      }
      auth.setMe(me);
      begin();
    } catch (err) {
      error.textContent = `Could not reach the server: ${(err as Error).message}`;
    }
  });
  cancel.addEventListener('click', () => begin());
  signInOpen.addEventListener('click', () => ask());
  signOut.addEventListener('click', () => {
    auth.signOut();
    app.runs = [];
    app.runsById.clear();
    app.loaded = false;
    // the live stream is shared with tabs signed in the same way: join the anonymous ones
    stopLive?.();
    stopLive = null;
    if (auth.needsSignIn()) ask();
    else begin();
  });

  void (async () => {
    try {
      auth.setMe(await api.me());
    } catch (err) {
      app.loadError = (err as Error).message;
    }
    if (auth.needsSignIn()) ask(auth.token() ? 'Your token was not accepted (wrong, expired or revoked); sign in again.' : '');
    else begin();
  })();
}

start();

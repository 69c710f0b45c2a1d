import { allRuns } from './api';
import { DEFAULTS, parseHash, toHash, type State } from './state';
import type { Run } from './types';

type Listener = (reason: string, detail?: unknown) => void;

const HIDDEN_KEY = 'cairn.hidden';
/** How many of the newest runs are selected while the user has not picked any. */
export const AUTO_SELECT = 10;

/** The dashboard's shared state: URL settings, the runs, hidden runs, and change notifications. */
class App {
  state: State = parseHash(location.hash);
  runs: Run[] = [];
  runsById = new Map<string, Run>();
  hidden = new Set<string>(JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]'));
  loaded = false;
  loadError: string | null = null;
  private listeners: Listener[] = [];

  on(fn: Listener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(reason: string, detail?: unknown): void {
    for (const l of this.listeners.slice()) l(reason, detail);
  }

  /** Changes settings; the URL follows (history entry only when the view changes). */
  set(patch: Partial<State>): void {
    const viewChanged = patch.view !== undefined && patch.view !== this.state.view;
    this.state = { ...this.state, ...patch };
    const hash = toHash(this.state);
    if (hash !== location.hash) {
      if (viewChanged) history.pushState(null, '', hash);
      else history.replaceState(null, '', hash);
    }
    this.emit('state', patch);
  }

  /** The URL changed (back, forward, a pasted link): every setting may have changed. */
  fromUrl(): void {
    const next = parseHash(location.hash);
    const changed: Partial<State> = {};
    for (const k of Object.keys(next) as (keyof State)[]) {
      if (JSON.stringify(next[k]) !== JSON.stringify(this.state[k])) (changed as Record<string, unknown>)[k] = next[k];
    }
    this.state = next;
    if (Object.keys(changed).length) this.emit('state', changed);
  }

  /** Runs the user may see: hidden ones only when asked for. */
  visibleRuns(): Run[] {
    const owner = this.state.owner;
    return this.runs.filter((r) => (this.state.showHidden || !this.hidden.has(r.id)) && (!owner || (r.owner ?? 'local') === owner));
  }

  /** The selected runs that exist, in the runs' order (newest first). */
  selected(): string[] {
    if (this.state.runs === null) {
      return this.visibleRuns().slice(0, AUTO_SELECT).map((r) => r.id);
    }
    const want = new Set(this.state.runs);
    const known = this.runs.filter((r) => want.has(r.id)).map((r) => r.id);
    // ids not (yet) in the list stay selected: a deep link may name a run that is still loading
    const unknown = this.state.runs.filter((id) => !this.runsById.has(id));
    return this.loaded ? known : [...known, ...unknown];
  }

  isSelected(id: string): boolean {
    return this.selected().includes(id);
  }

  toggle(id: string, on: boolean): void {
    const sel = new Set(this.selected());
    if (on) sel.add(id);
    else sel.delete(id);
    this.set({ runs: this.runs.filter((r) => sel.has(r.id)).map((r) => r.id) });
  }

  setHidden(id: string, hide: boolean): void {
    if (hide) this.hidden.add(id);
    else this.hidden.delete(id);
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...this.hidden]));
    if (hide && this.state.runs?.includes(id)) this.set({ runs: this.state.runs.filter((r) => r !== id) });
    else this.emit('runs');
  }

  runName(id: string): string {
    return this.runsById.get(id)?.name ?? id;
  }

  async reloadRuns(): Promise<void> {
    try {
      await allRuns((runs) => this.setRuns(runs, false));
      this.loaded = true;
      this.loadError = null;
      this.emit('runs');
    } catch (e) {
      this.loadError = (e as Error).message;
      this.emit('runs');
    }
  }

  private setRuns(runs: Run[], done: boolean): void {
    this.runs = runs;
    this.runsById = new Map(runs.map((r) => [r.id, r]));
    if (done) this.loaded = true;
    this.emit('runs');
  }

  removeRun(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.runsById.delete(id);
    if (this.state.runs?.includes(id)) this.set({ runs: this.state.runs.filter((r) => r !== id) });
    this.emit('runs');
  }
}

export const app = new App();
export { DEFAULTS };

import { runsByIds, runsPage } from './api';
import { assignColors } from './colors';
import { DEFAULTS, parseHash, toHash, type State } from './state';
import type { Run } from './types';

type Listener = (reason: string, detail?: unknown) => void;

const HIDDEN_KEY = 'cairn.hidden';
/** How many of the newest runs are selected while the user has not picked any. */
export const AUTO_SELECT = 10;
/** Runs per page of the runs list (the Runs view and the runs panel); "Show more" adds a page. */
export const PAGE = 100;
/** At most this many runs are selected at once: a chart request names at most 200 runs. */
export const MAX_SELECTED = 200;

/** The dashboard's shared state: URL settings, the runs, hidden runs, and change notifications. */
class App {
  state: State = parseHash(location.hash);
  /** The runs list: the first pages of the runs matching the filter, in the chosen order (from the server). */
  runs: Run[] = [];
  /** Every run this page has received: the list, the selected runs and the newest. */
  runsById = new Map<string, Run>();
  /** How many runs match the filter, and how many there are, as of the last list fetch. */
  matching = 0;
  total = 0;
  /** Runs the list shows: a multiple of PAGE. */
  listLimit = PAGE;
  /** The newest runs (ids), for the automatic selection. */
  newest: string[] = [];
  /** Selected ids the server does not know (deleted runs in an old link). */
  missing = new Set<string>();
  hidden = new Set<string>(JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]'));
  loaded = false;
  loadError: string | null = null;
  private listeners: Listener[] = [];
  private listSeq = 0;

  on(fn: Listener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(reason: string, detail?: unknown): void {
    // a listener removed by an earlier one (a view that was left) must not fire any more
    for (const l of this.listeners.slice()) if (this.listeners.includes(l)) l(reason, detail);
  }

  /** Changes settings; the URL follows (history entry only when the view changes). */
  set(patch: Partial<State>): void {
    const viewChanged = patch.view !== undefined && patch.view !== this.state.view;
    if (viewChanged && patch.tagFilter === undefined) {
      // the tag filter belongs to a view: each view keeps its own
      sessionStorage.setItem(`cairn.tags.${this.state.view}`, this.state.tagFilter);
      patch = { ...patch, tagFilter: sessionStorage.getItem(`cairn.tags.${patch.view}`) ?? '' };
    }
    const before = this.state;
    this.state = { ...this.state, ...patch };
    const hash = toHash(this.state);
    if (hash !== location.hash) {
      if (viewChanged) history.pushState(null, '', hash);
      else history.replaceState(null, '', hash);
    }
    this.afterChange(before, patch);
    this.emit('state', patch);
  }

  /** The URL changed (back, forward, a pasted link): every setting may have changed. */
  fromUrl(): void {
    const next = parseHash(location.hash);
    const changed: Partial<State> = {};
    for (const k of Object.keys(next) as (keyof State)[]) {
      if (JSON.stringify(next[k]) !== JSON.stringify(this.state[k])) (changed as Record<string, unknown>)[k] = next[k];
    }
    const before = this.state;
    this.state = next;
    if (Object.keys(changed).length) {
      this.afterChange(before, changed);
      this.emit('state', changed);
    }
  }

  private afterChange(before: State, patch: Partial<State>): void {
    if (('runFilter' in patch && patch.runFilter !== before.runFilter) || ('sort' in patch && patch.sort !== before.sort)
        || ('owner' in patch && patch.owner !== before.owner)) {
      this.listLimit = PAGE;
      void this.reloadList();
    }
    if ('runs' in patch) void this.ensureSelected();
  }

  /** Runs of the list the user may see: hidden ones only when asked for. */
  visibleRuns(): Run[] {
    return this.runs.filter((r) => this.state.showHidden || !this.hidden.has(r.id));
  }

  /** The selected runs' ids, in the order they were picked (the newest first while automatic). */
  selected(): string[] {
    const sel = this.state.runs === null
      ? this.newest.filter((id) => this.state.showHidden || !this.hidden.has(id)).slice(0, AUTO_SELECT)
      // ids not (yet) known stay selected: a deep link may name a run that is still loading
      : this.state.runs.filter((id) => !this.missing.has(id));
    assignColors(sel);
    return sel;
  }

  isSelected(id: string): boolean {
    return this.selected().includes(id);
  }

  /** Ticks or unticks a run; the first tick replaces the automatic selection. */
  toggle(id: string, on: boolean): void {
    const sel = this.state.runs === null ? [] : this.selected().filter((r) => r !== id);
    if (on) sel.push(id);
    this.set({ runs: sel.slice(0, MAX_SELECTED) });
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

  private remember(runs: Run[]): void {
    for (const r of runs) this.runsById.set(r.id, r);
  }

  /** Fetches the list (its first `listLimit` runs), the newest runs and any selected run not yet known. */
  async reloadRuns(): Promise<void> {
    await Promise.all([this.reloadList(), this.reloadNewest()]);
    await this.ensureSelected();
  }

  private async reloadNewest(): Promise<void> {
    try {
      const page = await runsPage({ sort: '-createdAt', limit: Math.min(1000, AUTO_SELECT + this.hidden.size) });
      this.remember(page.runs);
      this.newest = page.runs.map((r) => r.id);
      if (this.state.runs === null) this.emit('runs');
    } catch {
      /* the list's own fetch reports the error */
    }
  }

  async reloadList(): Promise<void> {
    const seq = ++this.listSeq;
    try {
      const s = this.state;
      const page = await runsPage({ q: s.runFilter, sort: s.sort, owner: s.owner, offset: 0, limit: this.listLimit });
      if (seq !== this.listSeq) return;
      this.applyList(page.runs, page.matching, page.total);
    } catch (e) {
      if (seq !== this.listSeq) return;
      this.loadError = (e as Error).message;
      this.emit('runs');
    }
  }

  private applyList(runs: Run[], matching: number, total: number): void {
    this.remember(runs);
    this.runs = runs;
    this.matching = matching;
    this.total = total;
    this.loaded = true;
    this.loadError = null;
    this.emit('runs');
  }

  /** The list's next page, appended. */
  async more(): Promise<void> {
    const seq = ++this.listSeq;
    const s = this.state;
    const page = await runsPage({ q: s.runFilter, sort: s.sort, owner: s.owner, offset: this.runs.length, limit: PAGE });
    if (seq !== this.listSeq) return;
    this.listLimit = this.runs.length + PAGE;
    const have = new Set(this.runs.map((r) => r.id));
    this.applyList([...this.runs, ...page.runs.filter((r) => !have.has(r.id))], page.matching, page.total);
  }

  /** Fetches the selected runs the page does not know yet (a deep link, a selection kept across filters). */
  async ensureSelected(): Promise<void> {
    const want = (this.state.runs ?? []).filter((id) => !this.runsById.has(id) && !this.missing.has(id));
    if (want.length === 0) return;
    try {
      const runs = await runsByIds(want);
      this.remember(runs);
      const got = new Set(runs.map((r) => r.id));
      for (const id of want) if (!got.has(id)) this.missing.add(id);
      this.emit('runs');
    } catch {
      /* shown as ids until the next try */
    }
  }

  /**
   * Live: these runs have new data: they (only they) are fetched again by id; when one of them is
   * new to this page, the list's first page and the newest runs are fetched too.
   */
  async liveRuns(ids: string[]): Promise<void> {
    const runs = await runsByIds(ids);
    const fresh = runs.some((r) => !this.runsById.has(r.id));
    this.remember(runs);
    const byId = new Map(runs.map((r) => [r.id, r]));
    this.runs = this.runs.map((r) => byId.get(r.id) ?? r);
    // a run this page has never seen is most likely a new one: it belongs at the top of the list
    if (fresh) await Promise.all([this.reloadList(), this.reloadNewest()]);
    else this.emit('runs');
  }

  removeRun(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.runsById.delete(id);
    this.newest = this.newest.filter((r) => r !== id);
    this.total = Math.max(0, this.total - 1);
    this.matching = Math.max(0, this.matching - 1);
    if (this.state.runs?.includes(id)) this.set({ runs: this.state.runs.filter((r) => r !== id) });
    this.emit('runs');
  }
}

export const app = new App();
export { DEFAULTS };

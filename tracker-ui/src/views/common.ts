import * as api from '../api';
import { app } from '../app';
import type { TagsResponse } from '../types';

/**
 * Keeps a media view in step with the selection: fetches the selected runs' tags whenever the
 * selection changes or a selected run gets new data, and calls `render` with them.
 */
export function followTags(msg: HTMLElement, render: (tags: TagsResponse, selected: string[]) => void, onOther?: (reason: string, detail: unknown) => void): () => void {
  let key = '';
  let seq = 0;
  const load = async (force = false) => {
    const selected = app.selected();
    const k = selected.join(',');
    if (k === key && !force) return;
    key = k;
    const s = ++seq;
    if (selected.length === 0) {
      msg.textContent = app.runs.length ? 'No run selected: tick runs in the list on the left.' : '';
      render({ scalars: {}, images: {}, histograms: {}, texts: {}, graphs: [], unknownRuns: [] }, selected);
      return;
    }
    try {
      const t = await api.tags(selected);
      if (s !== seq) return;
      msg.textContent = '';
      render(t, selected);
    } catch (e) {
      msg.textContent = `Could not load: ${(e as Error).message}`;
    }
  };
  let liveTimer = 0;
  const off = app.on((reason, detail) => {
    if (reason === 'runs' || (reason === 'state' && detail && 'runs' in (detail as object))) void load();
    else if (reason === 'live') {
      const sel = new Set(app.selected());
      if ((detail as string[]).some((id) => sel.has(id))) {
        clearTimeout(liveTimer);
        liveTimer = window.setTimeout(() => void load(true), 300);
      }
    }
    onOther?.(reason, detail);
  });
  void load();
  return () => {
    off();
    clearTimeout(liveTimer);
    // a fetch still on its way must not render into the next view
    seq++;
  };
}

/** Tags matching the tag filter regex (all when it is empty or invalid). */
export function matchingTags(tags: string[]): string[] {
  try {
    const re = app.state.tagFilter ? new RegExp(app.state.tagFilter, 'i') : null;
    return re ? tags.filter((t) => re.test(t)) : tags;
  } catch {
    return tags;
  }
}

export function tagFilterSetting(settings: HTMLElement): void {
  const label = document.createElement('label');
  label.className = 'setting';
  label.innerHTML = `<span>Show tags matching</span><input class="tag-filter" type="search" placeholder="regex, e.g. weights" />`;
  const input = label.querySelector('input')!;
  input.value = app.state.tagFilter;
  input.addEventListener('input', () => app.set({ tagFilter: input.value }));
  settings.appendChild(label);
}

import { AUTO_SELECT, MAX_SELECTED, app } from './app';
import { runColor, setRunColor } from './colors';
import { parseFilter } from './filter';
import { escapeHtml } from './format';
import type { Run } from './types';


/**
 * The runs panel beside every view but Runs: a filter, select all / none, and one line per run
 * with its checkbox, colour (click to change) and status.
 */
export function renderSidebar(panel: HTMLElement): void {
  panel.innerHTML = `
    <div class="panel-head">
      <h3>Runs</h3>
      <span class="count muted"></span>
    </div>
    <input class="run-filter" type="search" placeholder="Filter: regex, or lr < 0.1 and accuracy > 0.8" title="A regular expression over name, experiment, id, status and tags; or comparisons of params and final metrics joined by 'and', e.g.  optimizer.lr >= 0.01 and test_accuracy > 0.8" />
    <div class="filter-error"></div>
    <div class="select-links">Select: <a href="#" data-sel="visible">all shown</a> · <a href="#" data-sel="none">none</a> · <a href="#" data-sel="auto">newest ${AUTO_SELECT}</a></div>
    <div class="select-note muted"></div>
    <ul class="run-list"></ul>
    <input type="color" class="color-picker" hidden />`;
  const input = panel.querySelector<HTMLInputElement>('.run-filter')!;
  const list = panel.querySelector<HTMLUListElement>('.run-list')!;
  const picker = panel.querySelector<HTMLInputElement>('.color-picker')!;
  const note = panel.querySelector<HTMLElement>('.select-note')!;
  let pickingFor: string | null = null;

  // the server filters, sorts and pages; the filter is parsed here only to say what is wrong with it
  const shown = () => ({ runs: app.visibleRuns(), error: parseFilter(app.state.runFilter).error });

  const render = () => {
    // Runs, Sweeps and a run's page have no runs panel: nothing to draw (a keystroke in the Runs
    // view's filter would otherwise rebuild this hidden list too)
    if (app.state.view === 'runs' || app.state.view === 'sweeps' || app.state.view === 'run') return;
    if (document.activeElement !== input) input.value = app.state.runFilter;
    const { runs, error } = shown();
    panel.querySelector('.filter-error')!.textContent = error ?? '';
    input.classList.toggle('invalid', !!error);
    const selected = new Set(app.selected());
    panel.querySelector('.count')!.textContent = app.loaded
      ? `${selected.size} of ${app.total} selected${app.state.runs === null ? ' (newest)' : ''}`
      : app.loadError ?? 'loading…';
    if (app.loaded && app.total === 0) {
      list.innerHTML = `<li class="empty">No runs yet. Train one with <code>cairn run experiments/xor-mlp.yaml</code>; it appears here live.</li>`;
      return;
    }
    // selected runs first, so that they stay reachable in long lists
    const listed = new Set(runs.map((r) => r.id));
    const selectedRuns = [...selected].map((id) => app.runsById.get(id)).filter((r): r is Run => !!r && !listed.has(r.id));
    const ordered = [...selectedRuns, ...runs.filter((r) => selected.has(r.id)), ...runs.filter((r) => !selected.has(r.id))];
    list.innerHTML = ordered.map((r) => `
      <li data-id="${r.id}" class="${selected.has(r.id) ? 'sel' : ''}" title="${escapeHtml(r.experiment)}/${escapeHtml(r.name)} · ${r.id} · ${r.status}">
        <label><input type="checkbox" ${selected.has(r.id) ? 'checked' : ''} />
        <span class="swatch" style="background:${runColor(r.id)}" title="Change colour"></span>
        <span class="run-name">${escapeHtml(r.name)}</span></label>
        <span class="status s-${r.status}" title="${r.status}${r.message ? ': ' + escapeHtml(r.message) : ''}">${r.status === 'RUNNING' ? '●' : ''}</span>
        <span class="exp muted">${escapeHtml(r.experiment)} · ${r.id.slice(0, 8)}</span>
      </li>`).join('') + (app.matching > app.runs.length
      ? `<li class="more muted">${app.runs.length} of ${app.matching} matching runs listed · <a href="#" class="list-more">show more</a> or narrow the filter</li>` : '');
  };

  input.addEventListener('input', () => {
    note.textContent = '';
    app.set({ runFilter: input.value });
  });
  list.addEventListener('click', (e) => {
    const t = e.target as HTMLElement;
    if (t.classList.contains('list-more')) {
      e.preventDefault();
      void app.more();
      return;
    }
    const li = t.closest<HTMLLIElement>('li[data-id]');
    if (!li) return;
    if (t.classList.contains('swatch')) {
      e.preventDefault();
      pickingFor = li.dataset.id!;
      picker.value = runColor(pickingFor);
      picker.click();
    }
  });
  list.addEventListener('change', (e) => {
    const t = e.target as HTMLInputElement;
    const li = t.closest<HTMLLIElement>('li[data-id]');
    if (li && t.type === 'checkbox') app.toggle(li.dataset.id!, t.checked);
  });
  picker.addEventListener('input', () => {
    if (pickingFor) {
      setRunColor(pickingFor, picker.value);
      app.emit('colors');
    }
  });
  panel.querySelector('.select-links')!.addEventListener('click', (e) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-sel]');
    if (!a) return;
    e.preventDefault();
    if (a.dataset.sel === 'auto') app.set({ runs: null });
    else if (a.dataset.sel === 'none') app.set({ runs: [] });
    else {
      const ids = shown().runs.map((r) => r.id);
      app.set({ runs: ids.slice(0, MAX_SELECTED) });
      note.textContent = ids.length > MAX_SELECTED || app.matching > ids.length
        ? `Selected the first ${Math.min(ids.length, MAX_SELECTED)} of ${app.matching} matching runs: charts compare at most ${MAX_SELECTED} runs at once, and only listed runs are selected (show more, or narrow the filter).`
        : '';
    }
  });
  app.on((reason, detail) => {
    if (reason === 'runs' || reason === 'colors' || (reason === 'state' && detail && ('view' in (detail as object) || 'runs' in (detail as object) || 'runFilter' in (detail as object) || 'showHidden' in (detail as object)))) render();
  });
  render();
}

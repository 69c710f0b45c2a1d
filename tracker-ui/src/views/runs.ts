import * as api from '../api';
import { MAX_SELECTED, PAGE, app } from '../app';
import { auth } from '../auth';
import { runColor, setRunColor } from '../colors';
import { parseFilter } from '../filter';
import { duration, escapeHtml, fmt, fmtParam, when } from '../format';
import { groupRuns, keyMetrics, varyingParams } from '../runsTable';
import type { Run } from '../types';

const COLUMNS_KEY = 'cairn.columns';

/** Columns the user chose in the column chooser; null = the automatic ones. */
function chosenColumns(): { params: string[]; metrics: string[] } | null {
  try {
    return JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function mountRuns(main: HTMLElement): () => void {
  main.innerHTML = `
    <div class="runs-view">
      <div class="toolbar">
        <input class="run-filter wide" type="search" placeholder="Filter runs: regex over name / experiment / tags, or  optimizer.lr < 0.1 and test_accuracy > 0.8" title="A regular expression over name, experiment, id, status and tags; or comparisons of params and final metrics (= != < <= > >= ~regex) joined by 'and'. A param may be named by its last part: lr for optimizer.lr." />
        <label>Group by <select class="group-by"></select></label>
        <label title="Only the runs this token name created">Owner <select class="owner-filter"></select></label>
        <label class="check"><input type="checkbox" class="show-hidden" /> Show hidden <span class="hidden-count muted"></span></label>
        <details class="columns"><summary title="Choose the param and metric columns">Columns</summary><div class="columns-list"></div></details>
        <span class="spacer"></span>
        <span class="exports">Export table <a href="#" class="export-table" data-format="csv" title="Every run the filter matches: params, final metrics, tags">CSV</a> · <a href="#" class="export-table" data-format="json">JSON</a>
          · selected runs <a href="#" class="export-selected" data-format="csv" title="The selected runs in full: params, final metrics and every point of every series">CSV</a> · <a href="#" class="export-selected" data-format="json">JSON</a></span>
        <button class="primary compare" title="Open the selected runs' charts">Compare selected in Scalars →</button>
      </div>
      <div class="filter-error"></div>
      <div class="summary muted"></div>
      <div class="table-wrap"><table class="runs-table"></table></div>
      <button class="more" hidden>Show more</button>
    </div>
    <dialog class="notes-dialog">
      <form method="dialog">
        <h3>Tags and notes of <span class="nd-name"></span></h3>
        <label>Tags <span class="muted">(comma-separated, e.g. baseline, best)</span><input class="nd-tags" /></label>
        <label>Notes<textarea class="nd-notes" rows="6"></textarea></label>
        <div class="nd-error error"></div>
        <div class="buttons"><button value="cancel" formnovalidate>Cancel</button><button class="primary nd-save" value="save">Save</button></div>
      </form>
    </dialog>
    <dialog class="delete-dialog">
      <form method="dialog">
        <h3>Delete run <span class="dd-name"></span>?</h3>
        <p>This removes the run with its params, metrics, images, histograms and notes from the database. It cannot be undone.</p>
        <div class="dd-error error"></div>
        <div class="buttons"><button value="cancel">Cancel</button><button class="danger dd-confirm" value="delete">Delete run</button></div>
      </form>
    </dialog>
    <input type="color" class="color-picker" hidden />`;
  const filter = main.querySelector<HTMLInputElement>('.run-filter')!;
  const groupBy = main.querySelector<HTMLSelectElement>('.group-by')!;
  const ownerSel = main.querySelector<HTMLSelectElement>('.owner-filter')!;
  const table = main.querySelector<HTMLTableElement>('.runs-table')!;
  const more = main.querySelector<HTMLButtonElement>('.more')!;
  const picker = main.querySelector<HTMLInputElement>('.color-picker')!;
  const columnsList = main.querySelector<HTMLElement>('.columns-list')!;
  let pickingFor: string | null = null;

  const render = () => {
    if (document.activeElement !== filter) filter.value = app.state.runFilter;
    main.querySelector<HTMLInputElement>('.show-hidden')!.checked = app.state.showHidden;
    main.querySelector('.hidden-count')!.textContent = app.hidden.size ? `(${app.hidden.size})` : '';
    const f = parseFilter(app.state.runFilter);
    main.querySelector('.filter-error')!.textContent = f.error ?? '';
    filter.classList.toggle('invalid', !!f.error);
    // the server filtered, sorted and paged the list
    const shown = app.visibleRuns();
    const chosen = chosenColumns();
    // device, name and experiment have columns of their own
    const params = chosen?.params ?? varyingParams(shown, 5, ['device', 'name', 'experiment']);
    const metrics = chosen?.metrics ?? keyMetrics(shown, 3);
    const selected = new Set(app.selected());

    const owners = [...new Set(shown.map((r) => r.owner ?? 'local'))].sort();
    if (app.state.owner && !owners.includes(app.state.owner)) owners.push(app.state.owner);
    ownerSel.innerHTML = `<option value="">everyone</option>` + owners.map((o) => `<option value="${escapeHtml(o)}" ${o === app.state.owner ? 'selected' : ''}>${escapeHtml(o)}</option>`).join('');
    const groupOptions = [['', 'nothing'], ['experiment', 'experiment'], ['owner', 'owner'], ['status', 'status'], ...params.map((p) => [`param:${p}`, p])];
    groupBy.innerHTML = groupOptions.map(([v, l]) => `<option value="${escapeHtml(v)}" ${v === app.state.group ? 'selected' : ''}>${escapeHtml(l)}</option>`).join('');
    if (!columnsList.closest('details')!.open) {
      const allParams = [...new Set(shown.flatMap((r) => Object.keys(r.params)))].sort();
      const allMetrics = [...new Set(shown.flatMap((r) => Object.keys(r.metrics)))].sort();
      const box = (kind: string, k: string, on: boolean) => `<label class="check"><input type="checkbox" data-kind="${kind}" value="${escapeHtml(k)}" ${on ? 'checked' : ''} /> ${escapeHtml(k)}</label>`;
      columnsList.innerHTML = `<div class="muted">Params</div>${allParams.map((p) => box('params', p, params.includes(p))).join('')}
        <div class="muted">Final metrics</div>${allMetrics.map((m) => box('metrics', m, metrics.includes(m))).join('')}
        <a href="#" class="columns-auto">automatic columns</a>`;
    }

    const summary = main.querySelector('.summary')!;
    if (!app.loaded) {
      summary.textContent = app.loadError ? `Could not load runs: ${app.loadError}` : 'Loading runs…';
    } else if (app.total === 0) {
      summary.innerHTML = 'No runs recorded yet. Train one with <code>cairn run experiments/xor-mlp.yaml</code> (or POST a spec to <code>/api/runs</code>); it shows up here while it trains.';
    } else {
      summary.textContent = `${app.matching} of ${app.total} runs match · ${shown.length} listed · ${selected.size} selected${app.state.runs === null ? ' (the newest, until you tick others)' : ''} · click a header to sort, a colour to change it, tags or notes to edit them`;
    }

    const sortMark = (key: string) => (app.state.sort === key ? ' ▲' : app.state.sort === '-' + key ? ' ▼' : '');
    // a dotted name puts its prefix on a small first line: columns stay narrow enough for 1280 px
    const label = (name: string) => {
      const dot = name.lastIndexOf('.');
      return dot > 0 ? `<span class="pfx">${escapeHtml(name.slice(0, dot + 1))}</span>${escapeHtml(name.slice(dot + 1))}` : escapeHtml(name);
    };
    const th = (key: string, text: string, title = '') => `<th data-sort="${escapeHtml(key)}" title="${escapeHtml(title || 'Sort by ' + text)}">${label(text)}${sortMark(key)}</th>`;
    const allSelected = shown.length > 0 && shown.every((r) => selected.has(r.id));
    const groupHead = `<tr><th colspan="9" class="grp"></th>${params.length ? `<th colspan="${params.length}" class="grp sep" title="Hyperparameters whose values differ between the runs shown">hyperparameters</th>` : ''}${metrics.length ? `<th colspan="${metrics.length}" class="grp sep" title="The last logged value of each metric">final metrics</th>` : ''}<th colspan="2" class="grp sep"></th></tr>`;
    const head = `<thead>${groupHead}<tr><th class="sel-col"><input type="checkbox" class="sel-all" title="Select every run shown (again: none)" ${allSelected ? 'checked' : ''} /></th><th></th>
      ${th('name', 'name')}${th('experiment', 'experiment')}${th('owner', 'owner', 'Sort by owner: the token name that created the run')}${th('status', 'status')}${th('createdAt', 'started')}${th('duration', 'duration')}${th('device', 'device')}
      ${params.map((p, i) => th('param:' + p, p, 'Hyperparameter ' + p).replace('<th ', i === 0 ? '<th class="sep" ' : '<th ')).join('')}
      ${metrics.map((m, i) => th('metric:' + m, m.replace(/^epoch\//, ''), 'Final value of ' + m).replace('<th ', i === 0 ? '<th class="sep" ' : '<th ')).join('')}
      <th class="sep">tags · notes</th><th></th></tr></thead>`;
    const cols = 11 + params.length + metrics.length;
    let rows = '';
    let count = 0;
    for (const [name, runs] of groupRuns(shown, app.state.group)) {
      if (name) rows += `<tr class="group-row"><td colspan="${cols}"><span class="sticky">${escapeHtml(name)} <span class="muted">${runs.length} run${runs.length > 1 ? 's' : ''}${app.matching > app.runs.length ? ' listed' : ''}</span></span></td></tr>`;
      for (const r of runs) {
        count++;
        rows += row(r, selected.has(r.id), params, metrics);
      }
    }
    table.innerHTML = head + `<tbody>${rows}</tbody>`;
    const rest = app.matching - app.runs.length;
    more.hidden = rest <= 0;
    more.textContent = `Show ${Math.min(PAGE, rest)} more of ${rest}`;
  };

  const row = (r: Run, sel: boolean, params: string[], metrics: string[], canWrite = auth.can('write')) => `
    <tr data-id="${r.id}" class="${sel ? 'sel' : ''} ${app.hidden.has(r.id) ? 'is-hidden' : ''}">
      <td class="sel-col"><input type="checkbox" class="sel" ${sel ? 'checked' : ''} title="Select for the charts" /></td>
      <td><span class="swatch big" style="background:${runColor(r.id)}" title="Change colour"></span></td>
      <td class="name" title="run id ${r.id}: open its page"><a class="run-link" href="#/run/${encodeURIComponent(r.id)}"><b>${escapeHtml(r.name)}</b></a></td>
      <td>${escapeHtml(r.experiment)}</td>
      <td class="owner">${escapeHtml(r.owner ?? 'local')}</td>
      <td><span class="badge s-${r.status}" title="${escapeHtml(r.message ?? r.status)}">${r.status.toLowerCase()}</span></td>
      <td class="nowrap" title="${escapeHtml(r.startedAt ?? r.createdAt)}">${when(r.startedAt ?? r.createdAt, true)}</td>
      <td class="num">${duration(r.durationSeconds)}</td>
      <td>${escapeHtml(r.device)}</td>
      ${params.map((p, i) => `<td class="num${i === 0 ? ' sep' : ''}" title="${escapeHtml(r.params[p] ?? '')}">${escapeHtml(fmtParam(r.params[p]))}</td>`).join('')}
      ${metrics.map((m, i) => `<td class="num${i === 0 ? ' sep' : ''}">${fmt(r.metrics[m])}</td>`).join('')}
      <td class="tags ${canWrite ? 'edit' : ''} sep" title="${escapeHtml(r.notes ? 'Notes: ' + r.notes : canWrite ? 'Click to add tags and notes' : 'Your token may only read')}">${r.tags.map((t) => `<span class="chip">${escapeHtml(t)}</span>`).join('')}${r.notes ? `<span class="note">${escapeHtml(r.notes.length > 24 ? r.notes.slice(0, 24) + '…' : r.notes)}</span>` : ''}${!r.tags.length && !r.notes && canWrite ? '<span class="muted add">+ add</span>' : ''}</td>
      <td class="actions nowrap"><button class="icon hide" title="${app.hidden.has(r.id) ? 'Show this run again' : 'Hide this run from lists and charts'}">${app.hidden.has(r.id) ? 'unhide' : 'hide'}</button>
        ${auth.canDelete(r.owner) ? `<button class="icon delete" title="Delete this run and all its data" ${r.status === 'RUNNING' || r.status === 'QUEUED' ? 'disabled' : ''}>delete</button>` : ''}</td>
    </tr>`;

  filter.addEventListener('input', () => app.set({ runFilter: filter.value }));
  ownerSel.addEventListener('change', () => app.set({ owner: ownerSel.value }));
  groupBy.addEventListener('change', () => app.set({ group: groupBy.value }));
  main.querySelector('.show-hidden')!.addEventListener('change', (e) => app.set({ showHidden: (e.target as HTMLInputElement).checked }));
  main.querySelector('.compare')!.addEventListener('click', () => app.set({ view: 'scalars', runs: app.selected() }));
  more.addEventListener('click', () => void app.more());
  columnsList.addEventListener('change', () => {
    const pick = (kind: string) => [...columnsList.querySelectorAll<HTMLInputElement>(`input[data-kind="${kind}"]:checked`)].map((i) => i.value);
    localStorage.setItem(COLUMNS_KEY, JSON.stringify({ params: pick('params'), metrics: pick('metrics') }));
    render();
  });
  columnsList.addEventListener('click', (e) => {
    if (!(e.target as HTMLElement).classList.contains('columns-auto')) return;
    e.preventDefault();
    localStorage.removeItem(COLUMNS_KEY);
    columnsList.closest('details')!.open = false;
    render();
  });
  const exportNote = main.querySelector<HTMLElement>('.summary')!;
  main.querySelector('.exports')!.addEventListener('click', (e) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-format]');
    if (!a) return;
    e.preventDefault();
    const format = a.dataset.format as 'csv' | 'json';
    const s = app.state;
    if (a.classList.contains('export-table')) {
      void api.download(api.runsExportUrl(format, { q: s.runFilter, sort: s.sort, owner: s.owner }), `runs.${format}`);
    } else {
      const ids = app.selected();
      if (ids.length === 0) exportNote.textContent = 'No run selected: tick runs to export them.';
      else void api.download(api.selectedExportUrl(format, ids), `selected-runs.${format}`);
    }
  });
  picker.addEventListener('input', () => {
    if (pickingFor) {
      setRunColor(pickingFor, picker.value);
      app.emit('colors');
    }
  });

  table.addEventListener('click', (e) => {
    const t = e.target as HTMLElement;
    const header = t.closest<HTMLElement>('th[data-sort]');
    if (header) {
      const key = header.dataset.sort!;
      app.set({ sort: app.state.sort === '-' + key ? key : '-' + key });
      return;
    }
    if (t.classList.contains('sel-all')) {
      const ids = app.visibleRuns().map((r) => r.id);
      app.set({ runs: (t as HTMLInputElement).checked ? ids.slice(0, MAX_SELECTED) : [] });
      if ((t as HTMLInputElement).checked && (ids.length > MAX_SELECTED || app.matching > ids.length)) {
        main.querySelector('.summary')!.textContent = `Selected the first ${Math.min(ids.length, MAX_SELECTED)} of ${app.matching} matching runs: charts compare at most ${MAX_SELECTED} runs at once, and only listed runs are selected (show more, or narrow the filter).`;
      }
      return;
    }
    const tr = t.closest<HTMLTableRowElement>('tr[data-id]');
    if (!tr) return;
    const id = tr.dataset.id!;
    const run = app.runsById.get(id)!;
    if (!run) return;
    if (t.classList.contains('sel')) app.toggle(id, (t as HTMLInputElement).checked);
    else if (t.classList.contains('swatch')) {
      pickingFor = id;
      picker.value = runColor(id);
      picker.click();
    } else if (t.closest('.edit') && auth.can('write')) editNotes(run);
    else if (t.classList.contains('hide')) app.setHidden(id, !app.hidden.has(id));
    else if (t.classList.contains('delete') && auth.canDelete(run.owner)) confirmDelete(run);
  });

  const editNotes = (run: Run) => {
    const d = main.querySelector<HTMLDialogElement>('.notes-dialog')!;
    d.querySelector('.nd-name')!.textContent = run.name;
    const tags = d.querySelector<HTMLInputElement>('.nd-tags')!;
    const notes = d.querySelector<HTMLTextAreaElement>('.nd-notes')!;
    const err = d.querySelector('.nd-error')!;
    tags.value = run.tags.join(', ');
    notes.value = run.notes;
    err.textContent = '';
    (d.querySelector('.nd-save') as HTMLButtonElement).onclick = async (e) => {
      e.preventDefault();
      const list = tags.value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      try {
        await api.saveNotes(run.id, list, notes.value);
        run.tags = list;
        run.notes = notes.value;
        d.close();
        render();
      } catch (ex) {
        err.textContent = (ex as Error).message;
      }
    };
    d.showModal();
  };

  const confirmDelete = (run: Run) => {
    const d = main.querySelector<HTMLDialogElement>('.delete-dialog')!;
    d.querySelector('.dd-name')!.textContent = `${run.name} (${run.id})`;
    const err = d.querySelector('.dd-error')!;
    err.textContent = '';
    (d.querySelector('.dd-confirm') as HTMLButtonElement).onclick = async (e) => {
      e.preventDefault();
      try {
        await api.deleteRun(run.id);
        d.close();
        app.removeRun(run.id);
      } catch (ex) {
        err.textContent = (ex as Error).message;
      }
    };
    d.showModal();
  };

  /** A keystroke in the filter: only the filter's own error; the table follows when the server answers. */
  const filterStatus = () => {
    const f = parseFilter(app.state.runFilter);
    main.querySelector('.filter-error')!.textContent = f.error ?? '';
    filter.classList.toggle('invalid', !!f.error);
  };
  const off = app.on((reason, detail) => {
    if (reason === 'state' && detail && Object.keys(detail).every((k) => k === 'runFilter')) filterStatus();
    else if (reason === 'runs' || reason === 'state' || reason === 'colors' || reason === 'auth') render();
  });
  render();
  return off;
}

import * as api from '../api';
import { app } from '../app';
import { escapeHtml } from '../format';
import type { GraphNode } from '../types';
import { followTags } from './common';

const shape = (s?: number[][]) => (s && s.length ? s.map((x) => `(${x.join(', ')})`).join(', ') : '');

function nodeHtml(n: GraphNode, depth: number): string {
  const kids = n.children.length > 0;
  const io = n.inputShapes || n.outputShapes ? `<span class="shape">${escapeHtml(shape(n.inputShapes))} → ${escapeHtml(shape(n.outputShapes))}</span>` : '';
  const own = n.parameters.filter((p) => p.shape).map((p) => `${p.name} ${p.shape!.join('×')}`).join(', ');
  return `<li class="${kids && depth >= 2 ? 'closed' : ''}">
    <div class="node" title="${escapeHtml(own ? 'own parameters: ' + own : 'no parameters of its own')}">
      <span class="toggle">${kids ? (depth >= 2 ? '▸' : '▾') : ''}</span>
      <span class="nm">${escapeHtml(n.name)}</span><span class="type">${escapeHtml(n.type)}</span>${io}
      <span class="pc">${n.totalParameters.toLocaleString()} params</span>
    </div>${kids ? `<ul>${n.children.map((c) => nodeHtml(c, depth + 1)).join('')}</ul>` : ''}</li>`;
}

export function mountGraph(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>Graph</h3><label class="setting"><span>Model of run</span><select class="graph-run"></select></label>
    <div class="setting"><div class="seg"><button class="expand-all">Expand all</button><button class="collapse-all">Collapse all</button></div></div>
    <p class="hint muted">The model's block tree as DJL built it: each block's type, input → output shapes (batch first) and the parameters of its subtree. Click ▸ to open a block; hover for its own parameters.</p>`;
  main.innerHTML = `<div class="view-msg muted"></div><div class="graph-summary"></div><div class="graph-tree card"></div>`;
  const select = settings.querySelector<HTMLSelectElement>('.graph-run')!;
  const tree = main.querySelector<HTMLElement>('.graph-tree')!;
  let shown = '';
  const show = async (runId: string) => {
    if (!runId) {
      tree.innerHTML = '';
      main.querySelector('.graph-summary')!.textContent = '';
      return;
    }
    if (runId === shown) return;
    shown = runId;
    try {
      const g = await api.graph(runId);
      main.querySelector('.graph-summary')!.innerHTML = `<h2 class="section-title"><span data-run-name="${runId}">${escapeHtml(app.runName(runId))}</span>: ${g.type}, ${g.totalParameters.toLocaleString()} parameters</h2>`;
      tree.innerHTML = `<ul>${nodeHtml(g, 0)}</ul>`;
    } catch (e) {
      tree.textContent = `Could not load the graph: ${(e as Error).message}`;
    }
  };
  tree.addEventListener('click', (e) => {
    const li = (e.target as HTMLElement).closest('.node')?.parentElement;
    if (!li || !li.querySelector(':scope > ul')) return;
    li.classList.toggle('closed');
    li.querySelector(':scope > .node .toggle')!.textContent = li.classList.contains('closed') ? '▸' : '▾';
  });
  const all = (open: boolean) => tree.querySelectorAll('li').forEach((li) => {
    if (!li.querySelector(':scope > ul')) return;
    li.classList.toggle('closed', !open);
    li.querySelector(':scope > .node .toggle')!.textContent = open ? '▾' : '▸';
  });
  settings.querySelector('.expand-all')!.addEventListener('click', () => all(true));
  settings.querySelector('.collapse-all')!.addEventListener('click', () => all(false));
  select.addEventListener('change', () => app.set({ graphRun: select.value }));
  let graphs: string[] = [];
  const render = () => {
    const msg = main.querySelector('.view-msg')!;
    select.innerHTML = graphs.map((id) => `<option value="${id}" data-run-name="${id}" ${id === app.state.graphRun ? 'selected' : ''}>${escapeHtml(app.runName(id))} · ${id.slice(0, 8)}</option>`).join('');
    const runId = graphs.includes(app.state.graphRun) ? app.state.graphRun : graphs[0] ?? '';
    if (app.selected().length && !runId) msg.textContent = 'None of the selected runs has a model graph (runs log it when training starts).';
    else if (runId) msg.textContent = '';
    void show(runId);
  };
  return followTags(main.querySelector('.view-msg')!, (t) => {
    graphs = t.graphs;
    render();
  }, (reason, detail) => {
    if (reason === 'state' && detail && 'graphRun' in (detail as object)) render();
  });
}

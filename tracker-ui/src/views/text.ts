import * as api from '../api';
import { app } from '../app';
import { runColor } from '../colors';
import { escapeHtml } from '../format';
import { followTags, matchingTags, tagFilterSetting } from './common';

export function mountText(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>Text</h3><p class="hint muted">Text that runs logged: confusion-matrix tables, notes, sample predictions. Each card shows one step; use its slider for the others.</p>`;
  tagFilterSetting(settings);
  main.innerHTML = `<div class="view-msg muted"></div><div class="content"></div>`;
  const content = main.querySelector<HTMLElement>('.content')!;
  let last: Record<string, string[]> = {};
  const render = (tags: Record<string, string[]>, selected: string[]) => {
    last = tags;
    const names = matchingTags(Object.keys(tags));
    if (selected.length && names.length === 0) main.querySelector('.view-msg')!.textContent = 'The selected runs have no text. Classification runs log their confusion matrix as a table every epoch.';
    content.innerHTML = '';
    for (const tag of names) {
      const section = document.createElement('section');
      section.className = 'group';
      section.innerHTML = `<h2 class="group-head">${escapeHtml(tag)}</h2><div class="media-grid wide-cards"></div>`;
      for (const runId of selected.filter((r) => tags[tag].includes(r))) {
        const card = document.createElement('div');
        card.className = 'card text-card';
        card.innerHTML = `<div class="card-head"><span class="swatch" style="background:${runColor(runId)}"></span><span class="title" data-run-name="${runId}">${escapeHtml(app.runName(runId))}</span><span class="spacer"></span><span class="muted step-label"></span></div>
          <div class="step-row"><span class="muted">step</span><input type="range" min="0" max="0" value="0" /></div><pre class="text-entry"></pre>`;
        const slider = card.querySelector('input')!;
        section.querySelector('.media-grid')!.appendChild(card);
        void api.texts(runId, tag).then((entries) => {
          slider.max = String(entries.length - 1);
          slider.value = slider.max;
          slider.disabled = entries.length < 2;
          const show = () => {
            const e = entries[Number(slider.value)];
            card.querySelector('.step-label')!.textContent = `step ${e.step} (${Number(slider.value) + 1} of ${entries.length})`;
            card.querySelector('pre')!.textContent = e.text;
          };
          slider.addEventListener('input', show);
          show();
        });
      }
      content.appendChild(section);
    }
  };
  return followTags(main.querySelector('.view-msg')!, (t, sel) => render(t.texts, sel), (reason, detail) => {
    if (reason === 'state' && detail && 'tagFilter' in (detail as object)) render(last, app.selected());
  });
}

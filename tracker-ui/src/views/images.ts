import * as api from '../api';
import { app } from '../app';
import { auth } from '../auth';
import { runColor } from '../colors';
import { escapeHtml } from '../format';
import { cellLabels, confusionTable, labelOverlay, parseConfusion } from '../media';
import type { ImageInfo } from '../types';
import { followTags, matchingTags, tagFilterSetting } from './common';

export function openLightbox(src: string, title: string, caption: string | null): void {
  const box = document.createElement('div');
  box.className = 'lightbox';
  box.title = 'Click or press Escape to close';
  box.innerHTML = `<div>${escapeHtml(title)}</div><div class="img-wrap"><img src="${src}" alt="${escapeHtml(title)}" />${labelOverlay(cellLabels(caption))}</div><div>${escapeHtml(caption?.split('\n')[0] ?? '')}</div>`;
  const close = () => {
    box.remove();
    document.removeEventListener('keydown', onKey);
    window.removeEventListener('popstate', close);
    window.removeEventListener('hashchange', close);
  };
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
  box.addEventListener('click', close);
  document.addEventListener('keydown', onKey);
  // Back or a new URL leaves the picture: it must not stay on top and catch the clicks
  window.addEventListener('popstate', close);
  window.addEventListener('hashchange', close);
  document.body.appendChild(box);
}

/** One run's images of one tag, with a step slider. */
function imageCard(runId: string, tag: string): HTMLElement {
  const card = document.createElement('div');
  card.className = 'card image-card';
  card.dataset.run = runId;
  card.dataset.tag = tag;
  card.innerHTML = `
    <div class="card-head"><span class="swatch" style="background:${runColor(runId)}"></span><span class="title" data-run-name="${runId}">${escapeHtml(app.runName(runId))}</span><span class="spacer"></span><span class="muted step-label"></span></div>
    <div class="step-row"><span class="muted">step</span><input type="range" class="step-slider" min="0" max="0" value="0" title="Step through the logged images" /></div>
    <div class="image-body"><div class="img-wrap"><img alt="${escapeHtml(tag)}" title="Click for full size" /><div class="overlay"></div></div>
    <div class="extra"></div></div>
    <div class="caption muted"></div>`;
  const slider = card.querySelector<HTMLInputElement>('.step-slider')!;
  const img = card.querySelector('img')!;
  let list: ImageInfo[] = [];
  // a text of the same tag (the confusion matrix's table) is shown as a shaded table under the image
  let tables: Map<number, string> | null = null;
  const show = () => {
    const i = list[Number(slider.value)];
    if (!i) return;
    // with a token the image is fetched with it (an <img src> cannot send it) and shown from a blob URL
    const wanted = i.step;
    if (!auth.token()) img.src = api.imageUrl(runId, tag, i.step);
    else void api.blob(api.imageUrl(runId, tag, i.step)).then((b) => {
      if (list[Number(slider.value)]?.step !== wanted) return;
      if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(b);
    }, () => {});
    img.width = Math.min(i.width * (i.width < 200 ? 2 : 1), 560);
    card.querySelector('.step-label')!.textContent = `step ${i.step} (${Number(slider.value) + 1} of ${list.length})`;
    img.title = `${i.width}×${i.height} pixels; click for full size`;
    const labels = cellLabels(i.caption);
    card.querySelector('.overlay')!.outerHTML = `<div class="overlay">${labelOverlay(labels)}</div>`;
    const cm = tables?.get(i.step);
    const parsed = cm ? parseConfusion(cm) : null;
    card.querySelector('.extra')!.innerHTML = parsed ? confusionTable(parsed) : '';
    card.classList.toggle('with-table', !!parsed);
    card.querySelector('.caption')!.textContent = labels.length ? (i.caption ?? '').split('\n')[0] : i.caption ?? '';
  };
  slider.addEventListener('input', show);
  img.addEventListener('click', () => {
    const i = list[Number(slider.value)];
    openLightbox(img.src, `${app.runName(runId)} · ${tag} · step ${i?.step}`, i?.caption ?? null);
  });
  (card as unknown as { reload: () => Promise<void> }).reload = async () => {
    const atEnd = Number(slider.value) >= list.length - 1;
    list = await api.images(runId, tag);
    if (tag === 'confusion_matrix') {
      try {
        tables = new Map((await api.texts(runId, tag)).map((t) => [t.step, t.text]));
      } catch {
        tables = null;
      }
    }
    slider.max = String(Math.max(0, list.length - 1));
    slider.disabled = list.length < 2;
    if (atEnd) slider.value = slider.max;
    show();
  };
  return card;
}

export function mountImages(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>Images</h3><p class="hint muted">One card per run and image tag. Drag a card's slider to step through epochs; click an image to see it full size.</p>`;
  tagFilterSetting(settings);
  main.innerHTML = `<div class="view-msg muted"></div><div class="content"></div>`;
  const content = main.querySelector<HTMLElement>('.content')!;
  const cards = new Map<string, HTMLElement & { reload: () => Promise<void> }>();
  let last: Record<string, string[]> = {};
  const render = (tags: Record<string, string[]>, selected: string[]) => {
    last = tags;
    const names = matchingTags(Object.keys(tags));
    const msg = main.querySelector('.view-msg')!;
    if (selected.length && names.length === 0) msg.textContent = 'The selected runs have no images. Classification runs with an evaluation split log sample predictions and a confusion matrix every epoch.';
    content.innerHTML = '';
    const keep = new Set<string>();
    for (const tag of names) {
      const section = document.createElement('section');
      section.className = 'group';
      section.innerHTML = `<h2 class="group-head">${escapeHtml(tag)}</h2><div class="media-grid"></div>`;
      for (const runId of selected.filter((r) => tags[tag].includes(r))) {
        const key = runId + '\u0000' + tag;
        let card = cards.get(key);
        if (!card) {
          card = imageCard(runId, tag) as unknown as HTMLElement & { reload: () => Promise<void> };
          cards.set(key, card);
        }
        void card.reload();
        keep.add(key);
        section.querySelector('.media-grid')!.appendChild(card);
      }
      content.appendChild(section);
    }
    for (const k of [...cards.keys()]) if (!keep.has(k)) cards.delete(k);
  };
  return followTags(main.querySelector('.view-msg')!, (t, sel) => render(t.images, sel), (reason, detail) => {
    if (reason === 'state' && detail && 'tagFilter' in (detail as object)) render(last, app.selected());
  });
}

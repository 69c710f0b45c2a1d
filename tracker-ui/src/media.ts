import { escapeHtml } from './format';

/** One cell of a sample grid: `3. Shirt → T-shirt/top  ✗`. */
export interface CellLabel {
  truth: string;
  predicted: string;
  wrong: boolean;
}

/** Parses the labels of a sample-prediction grid from its caption, in reading order. */
export function cellLabels(caption: string | null): CellLabel[] {
  if (!caption) return [];
  const out: CellLabel[] = [];
  for (const line of caption.split('\n')) {
    const m = /^\d+\.\s+(.+?)\s+→\s+(.+?)(\s+✗)?$/.exec(line.trim());
    if (m) out.push({ truth: m[1], predicted: m[2], wrong: !!m[3] });
  }
  return out;
}

/** Labels laid over a grid image, one per cell (the grid is at most 4 wide). */
export function labelOverlay(labels: CellLabel[]): string {
  if (!labels.length) return '';
  const cols = Math.min(4, labels.length);
  return `<div class="cell-labels" style="grid-template-columns: repeat(${cols}, 1fr)">${labels
    .map((l) => `<span class="${l.wrong ? 'wrong' : ''}" title="true: ${escapeHtml(l.truth)}, predicted: ${escapeHtml(l.predicted)}">${l.wrong ? `${escapeHtml(l.truth)} → ${escapeHtml(l.predicted)}` : escapeHtml(l.truth)}</span>`)
    .join('')}</div>`;
}

/**
 * Parses the confusion-matrix text table (fixed-width columns, `true\pred` in the corner) into
 * class names and counts; null when the text is not such a table.
 */
export function parseConfusion(text: string): { classes: string[]; counts: number[][] } | null {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length < 3 || !lines[0].startsWith('true\\pred')) return null;
  const k = lines.length - 1;
  const w = (lines[0].length + 1) / (k + 1) - 1;
  if (!Number.isInteger(w) || w < 1) return null;
  const classes: string[] = [];
  const counts: number[][] = [];
  for (let r = 1; r <= k; r++) {
    const line = lines[r];
    classes.push(line.slice(0, w).trim());
    const row: number[] = [];
    for (let c = 0; c < k; c++) row.push(Number(line.slice(w + c * (w + 1), w + (c + 1) * (w + 1)).trim()));
    if (row.some((v) => Number.isNaN(v))) return null;
    counts.push(row);
  }
  return { classes, counts };
}

/** The confusion matrix as a table shaded by each cell's share of its row (its true class). */
export function confusionTable(cm: { classes: string[]; counts: number[][] }): string {
  const total = cm.counts.flat().reduce((a, b) => a + b, 0);
  const right = cm.counts.reduce((a, row, i) => a + row[i], 0);
  return `<table class="cm"><thead><tr><th class="axis-note">true ↓ predicted →</th>${cm.classes.map((c) => `<th class="colh">${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${cm.counts
    .map((row, i) => {
      const sum = row.reduce((a, b) => a + b, 0) || 1;
      return `<tr><th class="rowh">${escapeHtml(cm.classes[i])}</th>${row
        .map((v, j) => {
          const share = v / sum;
          const bg = i === j ? `rgba(60,160,90,${0.15 + 0.75 * share})` : `rgba(220,70,60,${Math.min(0.9, 2.5 * share)})`;
          return `<td style="background:${v ? bg : 'transparent'}" title="true ${escapeHtml(cm.classes[i])}, predicted ${escapeHtml(cm.classes[j])}: ${v} (${(100 * share).toFixed(1)} % of the row)">${v}</td>`;
        })
        .join('')}</tr>`;
    })
    .join('')}</tbody></table><div class="axis-note">${right.toLocaleString()} of ${total.toLocaleString()} right (${((100 * right) / (total || 1)).toFixed(1)} %); green: right, red: confusions</div>`;
}

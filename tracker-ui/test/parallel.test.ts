import { describe, expect, it } from 'vitest';
import { parallelMarkup } from '../src/parallel';

describe('parallel coordinates', () => {
  const axes = [{ label: 'lr', ticks: [{ pos: 0, text: '0.001' }, { pos: 1, text: '0.1' }] }, { label: 'loss', ticks: [] }];

  it('draws a polyline per line with two or more placed values, and every axis', () => {
    const svg = parallelMarkup(axes, [
      { positions: [0, 1], color: '#123456', width: 2, opacity: 1, title: 'a <b>', attrs: { class: 'trial-line', 'data-trial': 3 } },
      { positions: [null, 0.5], color: '#000000', width: 1, opacity: 1, title: 'skipped: one value' },
    ], 500, 280);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    // x from 60 to width - 80; y from 250 (0) up to 44 (1)
    expect(svg).toContain('points="60,250 420,44"');
    expect(svg).toContain('class="trial-line" data-trial="3"');
    expect(svg).toContain('<title>a &lt;b&gt;</title>');
    expect(svg.match(/<line class="axis"/g)).toHaveLength(2);
    expect(svg).toContain('>0.001</text>');
  });
});

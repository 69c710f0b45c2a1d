import { describe, expect, it } from 'vitest';
import { artifactUrl, bytes, chartLinks, describeSource, isTerminal, lastLines, paramRows, splitSeries, statusReason } from '../src/runPage';

const s = (tag: string) => ({ tag, count: 3, firstStep: 0, lastStep: 2, min: 0, max: 1, last: 1 });

describe('run page', () => {
  it('puts system/* series in their own group, both sorted', () => {
    const { metrics, system } = splitSeries([s('train/loss'), s('system/cpu_percent'), s('epoch/acc'), s('system/rss_bytes'), s('systemic')]);
    expect(metrics.map((m) => m.tag)).toEqual(['epoch/acc', 'systemic', 'train/loss']);
    expect(system.map((m) => m.tag)).toEqual(['system/cpu_percent', 'system/rss_bytes']);
  });

  it('names the source and the keys that say more', () => {
    expect(describeSource({ source: 'java-client', provenance: {} }, {}).label).toBe('Java client');
    expect(describeSource({ source: undefined, provenance: {} }, {}).label).toBe('Cairn trainer');
    expect(describeSource({ source: 'rest', provenance: {} }, {}).label).toBe('REST API');
    const ml = describeSource({ source: 'rest', provenance: { 'git.commit': 'abc' } }, { 'mlflow.source.name': 'train.py', 'mlflow.user': 'ana', other: 'x' });
    expect(ml.label).toBe('MLflow client');
    expect(ml.details).toEqual([['mlflow.source.name', 'train.py'], ['mlflow.user', 'ana'], ['git.commit', 'abc']]);
    expect(describeSource({ source: 'mlflow', provenance: {} }, {}).label).toBe('MLflow client');
    expect(describeSource({ source: 'something-new', provenance: {} }, {}).label).toBe('something-new');
  });

  it('gives a reason for each status, the message first', () => {
    expect(statusReason({ status: 'FAILED', message: 'NaN loss at step 12' })).toBe('NaN loss at step 12');
    expect(statusReason({ status: 'FAILED', message: null })).toContain('without a message');
    expect(statusReason({ status: 'FINISHED', message: null })).toBe('');
    expect(isTerminal('RUNNING')).toBe(false);
    expect(isTerminal('KILLED')).toBe(true);
  });

  it('keeps the last lines of a text, without trailing blank lines', () => {
    expect(lastLines('a\nb\r\nc\n\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('one', 5)).toEqual(['one']);
    expect(lastLines(null, 5)).toEqual([]);
  });

  it('formats sizes in binary units', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(bytes(-1)).toBe('–');
  });

  it('encodes each segment of an artifact path but keeps the slashes', () => {
    expect(artifactUrl('ab12', 'plots/loss curve#1.png')).toBe('api/runs/ab12/artifacts/plots/loss%20curve%231.png');
  });

  it('links only the views that have data for the run', () => {
    const links = chartLinks('r1', { scalars: 4, images: 0, histograms: 2, texts: 0, graph: true });
    expect(links.map((l) => l.view)).toEqual(['scalars', 'histograms', 'graph']);
    expect(links[0].href).toBe('#/scalars?runs=r1');
    expect(links[2].href).toBe('#/graph?runs=r1&graph=r1');
  });

  it('sorts params by key', () => {
    expect(paramRows({ 'optimizer.lr': '0.1', epochs: '3' })).toEqual([['epochs', '3'], ['optimizer.lr', '0.1']]);
  });
});

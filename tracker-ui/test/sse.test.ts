import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/sse';

describe('server-sent events parser', () => {
  it('parses named events, multi-line data and skips comments', () => {
    const p = new SseParser();
    expect(p.feed(': keep-alive\n\nevent: hello\ndata: {}\n\nevent: flushed\ndata: {"runIds":\ndata: ["a"]}\n\ndata: plain\n\n')).toEqual([
      { event: 'hello', data: '{}' },
      { event: 'flushed', data: '{"runIds":\n["a"]}' },
      { event: 'message', data: 'plain' },
    ]);
  });

  it('joins events split across chunks anywhere, with any line ending', () => {
    const text = 'event: flushed\r\ndata: {"runIds":["r1"]}\r\n\r\nevent: hello\rdata:x\r\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))];
      expect(got, `cut at ${cut}`).toEqual([
        { event: 'flushed', data: '{"runIds":["r1"]}' },
        { event: 'hello', data: 'x' },
      ]);
    }
  });

  it('holds back an event until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.feed('event: hello\ndata: 1\n')).toEqual([]);
    expect(p.feed('\n')).toEqual([{ event: 'hello', data: '1' }]);
  });
});

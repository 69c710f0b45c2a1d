import { app } from './app';

/**
 * Server push: the server's `flushed` events name the runs that have new data. Views refetch
 * what they show of those runs; the runs table refreshes at most every 2 s. The header's dot
 * says whether the stream is connected.
 */
export function startLive(dot: HTMLElement): void {
  let runsTimer: number | null = null;
  const connect = () => {
    const es = new EventSource('api/live');
    es.addEventListener('hello', () => {
      dot.classList.add('on');
      dot.title = 'Live: new points appear as runs train';
    });
    es.addEventListener('flushed', (e) => {
      const ids: string[] = JSON.parse((e as MessageEvent).data).runIds ?? [];
      app.emit('live', ids);
      if (runsTimer === null) {
        runsTimer = window.setTimeout(() => {
          runsTimer = null;
          void app.reloadRuns();
        }, ids.some((id) => !app.runsById.has(id)) ? 0 : 2000);
      }
    });
    es.onerror = () => {
      dot.classList.remove('on');
      dot.title = 'Live updates disconnected; reconnecting…';
    };
  };
  connect();
}

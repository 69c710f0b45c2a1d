/**
 * Everything a deep link holds: the view, the selected runs and the settings, kept in the URL
 * hash (`#/scalars?runs=a,b&smooth=0.8&x=wall&logy=1`). Only values that differ from the
 * defaults are written, so links stay short.
 */
export const VIEWS = ['runs', 'scalars', 'images', 'histograms', 'hparams', 'graph', 'text', 'sweeps', 'run'] as const;
export type View = (typeof VIEWS)[number];
export type XAxis = 'step' | 'relative' | 'wall';
export type HistMode = 'offset' | 'overlay' | 'distribution';

export interface State {
  view: View;
  /** selected run ids; null = automatic (the newest runs) */
  runs: string[] | null;
  smoothing: number;
  x: XAxis;
  logY: boolean;
  tagFilter: string;
  runFilter: string;
  /** sort key of the runs table, `-` prefix for descending */
  sort: string;
  /** '' (none), 'experiment', or a param name */
  group: string;
  histMode: HistMode;
  pinned: string[];
  /** metric on the HParams view's plots */
  metric: string;
  graphRun: string;
  /** the sweep the Sweeps view shows; '' = the newest */
  sweep: string;
  /** sort key of the Sweeps view's trials table (`trial`, `status`, `value`, `param:K`), `-` for descending */
  trialSort: string;
  showHidden: boolean;
  /** only the runs of this owner (the token name that created them); '' = everyone's */
  owner: string;
  theme: 'dark' | 'light' | '';
  /** Scalars: a y range that ignores outliers */
  robust: boolean;
  /** Scalars: runs drawn as group means: '' (each run), `param:K`, `tags`, `tag:T`, `experiment` */
  chartGroup: string;
  /** Scalars: the band around a group mean: min-max or ±1 standard deviation */
  band: 'minmax' | 'std';
  /** Histograms: one x range shared by every run's card */
  sharedX: boolean;
  /** the run the run page shows (`#/run/ID`) */
  runPage: string;
}

export const DEFAULTS: State = {
  view: 'scalars',
  runs: null,
  smoothing: 0.6,
  x: 'step',
  logY: false,
  tagFilter: '',
  runFilter: '',
  sort: '-createdAt',
  group: '',
  histMode: 'offset',
  pinned: [],
  metric: '',
  graphRun: '',
  sweep: '',
  trialSort: 'trial',
  showHidden: false,
  owner: '',
  theme: '',
  robust: false,
  chartGroup: '',
  band: 'minmax',
  sharedX: false,
  runPage: '',
};

export function parseHash(hash: string): State {
  const s: State = { ...DEFAULTS, pinned: [] };
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : h.slice(q + 1));
  if ((VIEWS as readonly string[]).includes(path) && path !== 'run') s.view = path as View;
  const runPage = /^run\/([^/]+)$/.exec(path);
  if (runPage) {
    s.view = 'run';
    s.runPage = decodeURIComponent(runPage[1]);
  }
  const runs = params.get('runs');
  if (runs !== null) s.runs = runs.split(',').filter((r) => r.length > 0);
  const smooth = Number(params.get('smooth'));
  if (params.has('smooth') && smooth >= 0 && smooth < 1) s.smoothing = smooth;
  const x = params.get('x');
  if (x === 'step' || x === 'relative' || x === 'wall') s.x = x;
  s.logY = params.get('logy') === '1';
  s.tagFilter = params.get('tags') ?? '';
  s.runFilter = params.get('q') ?? '';
  s.sort = params.get('sort') ?? DEFAULTS.sort;
  s.group = params.get('group') ?? '';
  const hm = params.get('hist');
  if (hm === 'offset' || hm === 'overlay' || hm === 'distribution') s.histMode = hm;
  s.pinned = (params.get('pin') ?? '').split('|').filter((p) => p.length > 0);
  s.metric = params.get('metric') ?? '';
  s.graphRun = params.get('graph') ?? '';
  s.sweep = params.get('sweep') ?? '';
  s.trialSort = params.get('tsort') || DEFAULTS.trialSort;
  s.showHidden = params.get('hidden') === '1';
  s.owner = params.get('owner') ?? '';
  s.robust = params.get('robust') === '1';
  s.chartGroup = params.get('cgroup') ?? '';
  s.band = params.get('band') === 'std' ? 'std' : 'minmax';
  s.sharedX = params.get('sharedx') === '1';
  const theme = params.get('theme');
  if (theme === 'dark' || theme === 'light') s.theme = theme;
  return s;
}

export function toHash(s: State): string {
  const p = new URLSearchParams();
  if (s.runs !== null) p.set('runs', s.runs.join(','));
  if (s.smoothing !== DEFAULTS.smoothing) p.set('smooth', String(s.smoothing));
  if (s.x !== DEFAULTS.x) p.set('x', s.x);
  if (s.logY) p.set('logy', '1');
  if (s.tagFilter) p.set('tags', s.tagFilter);
  if (s.runFilter) p.set('q', s.runFilter);
  if (s.sort !== DEFAULTS.sort) p.set('sort', s.sort);
  if (s.group) p.set('group', s.group);
  if (s.histMode !== DEFAULTS.histMode) p.set('hist', s.histMode);
  if (s.pinned.length) p.set('pin', s.pinned.join('|'));
  if (s.metric) p.set('metric', s.metric);
  if (s.graphRun) p.set('graph', s.graphRun);
  if (s.sweep) p.set('sweep', s.sweep);
  if (s.trialSort !== DEFAULTS.trialSort) p.set('tsort', s.trialSort);
  if (s.showHidden) p.set('hidden', '1');
  if (s.owner) p.set('owner', s.owner);
  if (s.theme) p.set('theme', s.theme);
  if (s.robust) p.set('robust', '1');
  if (s.chartGroup) p.set('cgroup', s.chartGroup);
  if (s.band !== DEFAULTS.band) p.set('band', s.band);
  if (s.sharedX) p.set('sharedx', '1');
  const q = p.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%7C/g, '|');
  const view = s.view === 'run' ? `run/${encodeURIComponent(s.runPage)}` : s.view;
  return `#/${view}${q ? '?' + q : ''}`;
}

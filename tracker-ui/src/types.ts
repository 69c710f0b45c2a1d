/** PRUNED: a sweep's pruner stopped the run early (its message says at which step and why). */
export type RunStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'PRUNED';

export interface Run {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  seed: number;
  device: string;
  message: string | null;
  params: Record<string, string>;
  metrics: Record<string, number | null>;
  tags: string[];
  notes: string;
  /** who created the run: the token's name, `local` without authentication */
  owner?: string;
  /** SHA-256 of the spec text; empty for a run without a spec (logged by a client) */
  specHash?: string;
  /** where the run came from: cairn-trainer, java-client, rest, mlflow, tensorboard */
  source?: string;
}

export interface ChartSeries {
  runId: string;
  totalPoints: number;
  windowPoints: number;
  downsampled: boolean;
  steps: number[];
  wallTimes: number[];
  values: (number | null)[];
  smoothed: (number | null)[];
}

export interface ScalarsResponse {
  tag: string;
  smoothing: number;
  series: ChartSeries[];
  missing: string[];
}

export interface TagsResponse {
  scalars: Record<string, string[]>;
  images: Record<string, string[]>;
  histograms: Record<string, string[]>;
  texts: Record<string, string[]>;
  graphs: string[];
  /** asked-for runs that do not exist */
  unknownRuns: string[];
}

export interface ImageInfo {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  caption: string | null;
}

/** The head of a run's media answers: which run and tag. */
export interface MediaOf {
  runId: string;
  tag: string;
}

export interface ImagesResponse extends MediaOf {
  images: ImageInfo[];
}

export interface HistogramsResponse extends MediaOf {
  histograms: HistogramAt[];
}

export interface TextsResponse extends MediaOf {
  texts: TextAt[];
}

export interface TextAt {
  step: number;
  wallTime: number;
  text: string;
}

export interface HistogramAt {
  step: number;
  wallTime: number;
  min: number | null;
  max: number | null;
  count: number;
  sum: number | null;
  sumSquares: number | null;
  /** values that were NaN or infinite, counted apart from the buckets */
  nonFinite: number;
  left: number | null;
  limits: number[];
  counts: number[];
}

export interface GraphNode {
  name: string;
  type: string;
  inputShapes?: number[][];
  outputShapes?: number[][];
  parameters: { name: string; shape?: number[]; size?: number }[];
  children: GraphNode[];
  ownParameters: number;
  totalParameters: number;
}

export type SweepStatus = 'RUNNING' | 'FINISHED' | 'STOPPED';
export type TrialStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'PRUNED' | 'FAILED' | 'KILLED';
export type Goal = 'minimize' | 'maximize';
/** A sweep parameter's value as sampled: a number, a string, a boolean or a list (e.g. hidden sizes). */
export type ParamValue = number | string | boolean | null | ParamValue[];

/** One row of `GET /api/sweeps` (and the head of `GET /api/sweeps/:id`). */
export interface Sweep {
  id: string;
  name: string;
  experiment: string;
  status: SweepStatus;
  method: string;
  metric: string;
  goal: Goal;
  runCap: number;
  parallel: number;
  seed: number;
  createdAt: string;
  endedAt: string | null;
  message: string | null;
  trials: number;
  /** who started the sweep: the token's name, `local` without authentication */
  owner?: string;
  /** trials per status, lower-case keys: queued, running, finished, pruned, failed, killed */
  counts: Record<string, number>;
  best: { trialNo: number; runId: string; value: number | null; params: Record<string, ParamValue> } | null;
}

/** `GET /api/sweeps` */
export interface SweepsResponse {
  sweeps: Sweep[];
}

/** A swept parameter of `GET /api/sweeps/:id`: its distribution and range. */
export interface SweepParameter {
  path: string;
  distribution: 'value' | 'categorical' | 'uniform' | 'int_uniform' | 'log_uniform' | 'q_uniform' | 'normal';
  value?: ParamValue;
  values?: ParamValue[];
  probabilities?: number[];
  min?: number;
  max?: number;
  q?: number;
  log?: boolean;
  mu?: number;
  sigma?: number;
}

export interface SweepDetail extends Sweep {
  parameters: SweepParameter[];
  earlyTerminate: string | null;
  bestSoFar: { trialNo: number; runId: string; endedAt: string; value: number | null; best: number | null }[];
  sweepText: string;
  baseText: string | null;
}

export interface Trial {
  trialNo: number;
  runId: string;
  status: TrialStatus;
  params: Record<string, ParamValue>;
  /** the metric's last value (for a pruned trial: at the step where it was stopped) */
  value: number | null;
  step: number | null;
  prunedStep: number | null;
  attempts: number;
  worker: string | null;
  message: string | null;
  createdAt: string | null;
  /** when the controller handed the trial to a training node */
  dispatchedAt: string | null;
  runningAt: string | null;
  /** when the trial's first metric reached the controller, and the store */
  firstMetricAt: string | null;
  firstStoredAt: string | null;
  endedAt: string | null;
}

/** `GET /api/sweeps/:id/trials` */
export interface TrialsResponse {
  sweepId: string;
  metric: string;
  goal: Goal;
  trials: Trial[];
}

export interface SweepImportance {
  sweepId: string;
  metric: string;
  method: string;
  trials: number;
  importances: { param: string; importance: number }[];
  note: string | null;
}

export type RunStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

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
}

export interface ImageInfo {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  caption: string | null;
}

export interface HistogramAt {
  step: number;
  wallTime: number;
  min: number | null;
  max: number | null;
  count: number;
  sum: number | null;
  sumSquares: number | null;
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

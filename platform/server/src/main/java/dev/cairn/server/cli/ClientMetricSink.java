package dev.cairn.server.cli;

import dev.cairn.client.Run;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.training.MetricSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A training's sink when {@code cairn run} works through a server: everything the trainer tracks
 * goes to the server's tracking API through a {@link Run} of the Java client (batched, retried,
 * never blocking the training loop beyond a queue offer). Scalars are held here for up to {@link
 * #MAX_DELAY_MILLIS} and handed over together, so that they travel in few requests.
 */
final class ClientMetricSink implements MetricSink {
  static final long MAX_DELAY_MILLIS = 500;
  static final int MAX_POINTS = 4096;

  private final Run run;
  private List<ScalarPoint> pending = new ArrayList<>();
  private long lastSend = System.currentTimeMillis();

  ClientMetricSink(Run run) {
    this.run = run;
  }

  @Override
  public void accept(ScalarPoint p) {
    pending.add(p);
    if (pending.size() >= MAX_POINTS || System.currentTimeMillis() - lastSend >= MAX_DELAY_MILLIS) {
      flush();
    }
  }

  @Override
  public void flush() {
    lastSend = System.currentTimeMillis();
    for (ScalarPoint p : pending) {
      run.log(p.tag(), p.step(), p.value(), p.wallTimeMillis());
    }
    pending = new ArrayList<>();
  }

  @Override
  public void acceptMedia(MediaRecord record) {
    if (record instanceof MediaRecord.Image i) {
      run.logImage(i.tag(), i.step(), i.png());
    } else if (record instanceof MediaRecord.HistogramAt h) {
      Histogram g = h.histogram();
      if (g.limits().length > 0) {
        run.logHistogram(
            h.tag(),
            h.step(),
            h.wallTime(),
            g.min(),
            g.max(),
            g.sum(),
            g.sumSquares(),
            g.limits(),
            g.counts());
      }
    } else if (record instanceof MediaRecord.Text t) {
      run.logText(t.tag(), t.step(), t.text());
    } else if (record instanceof MediaRecord.Graph g) {
      run.logGraph(g.json());
    }
  }

  @Override
  public void acceptParams(String runId, Map<String, String> params) {
    params.forEach(run::setParam);
  }
}

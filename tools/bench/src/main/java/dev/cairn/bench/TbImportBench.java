package dev.cairn.bench;

import dev.cairn.core.tensorboard.TbImporter;
import dev.cairn.core.tensorboard.TbProto;
import dev.cairn.core.tensorboard.TfRecords;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.media.H2MediaStore;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code cairn import-tb} on a generated log directory of many runs: points per second and the peak
 * heap (the importer batches, so the peak should not grow with the number of runs).
 *
 * <p>Usage: {@code tools/bench/run tb-import [runs=1000] [tags=10] [steps=100]}
 */
public final class TbImportBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int tags = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path root = Files.createTempDirectory("cairn-tb-bench");
    Path logdir = root.resolve("logs");
    long t0 = System.nanoTime();
    for (int r = 0; r < runs; r++) {
      Path dir =
          Files.createDirectories(
              logdir.resolve(String.format(Locale.ROOT, "group%02d/run%04d", r % 20, r)));
      try (OutputStream out =
          new BufferedOutputStream(
              Files.newOutputStream(dir.resolve("events.out.tfevents.1700000000.bench")))) {
        TfRecords.write(out, TbProto.fileVersionEvent(1.7e9));
        for (int s = 0; s < steps; s++) {
          for (int t = 0; t < tags; t++) {
            TfRecords.write(
                out,
                TbProto.summaryEvent(
                    1.7e9 + s, s, TbProto.scalarValue("tag" + t, (float) Math.sin(s + r + t))));
          }
        }
      }
    }
    double gen = (System.nanoTime() - t0) / 1e9;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    long points = (long) runs * tags * steps;
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(root.resolve("data"))) {
      TbImporter importer =
          new TbImporter(store, new H2MediaStore(store.database()), store.database());
      long t1 = System.nanoTime();
      int[] lines = {0};
      TbImporter.Summary s =
          importer.importOnce(
              logdir,
              "bench",
              line -> {
                if (++lines[0] % 100 == 0) {
                  System.err.println(line);
                }
              });
      double secs = (System.nanoTime() - t1) / 1e9;
      long t2 = System.nanoTime();
      TbImporter.Summary again = importer.importOnce(logdir, "bench", line -> {});
      double againSecs = (System.nanoTime() - t2) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d runs x %d tags x %d steps = %,d points (generated in %.1f s)%n",
          runs,
          tags,
          steps,
          points,
          gen);
      System.out.printf(
          Locale.ROOT,
          "import: %.1f s, %,.0f points/s, %d runs, %d corrupt; peak heap %.0f MB (max %d MB)%n",
          secs,
          s.scalars() / secs,
          s.runs(),
          s.corrupt(),
          peak / 1048576.0,
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.printf(
          Locale.ROOT,
          "import again (nothing new): %.2f s, %d events%n",
          againSecs,
          again.events());
    }
  }
}

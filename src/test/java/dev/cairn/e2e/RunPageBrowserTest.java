package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * An outside run, logged by the Java client into the assembled distribution's {@code cairn serve},
 * in Debian's headless chromium: reached from the runs table, its run page shows a point logged
 * after the page opened, its system metrics as their own group, and its uploaded artifact with the
 * SHA-256 the browser computes from the downloaded bytes; Scalars shows the next point live; the
 * page turns FINISHED when the client ends the run.
 */
class RunPageBrowserTest {
  @TempDir Path dir;

  @Test
  void outsideRunShowsLiveOnItsPageAndInScalarsWithItsArtifact() throws Exception {
    assumeTrue(
        DashboardBrowser.available(),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    CairnProcess.Server server = CairnProcess.serve(dir.resolve("data"));
    try (CairnClient cairn = CairnClient.builder().setServer(URI.create(server.base())).build();
        DashboardBrowser browser = new DashboardBrowser()) {
      Run run =
          cairn.startRun("outside", "client-live", Map.of("lr", 0.05), Map.of("team", "vision"));
      for (int step = 0; step < 10; step++) {
        run.log("train/loss", step, 1.0 / (step + 1));
        run.log("system/cpu_percent", step, 20 + step);
      }
      cairn.flush(Duration.ofSeconds(30));
      byte[] weights = new byte[50_000];
      new Random(3).nextBytes(weights);
      Path file = dir.resolve("weights.bin");
      Files.write(file, weights);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights));
      assertThat(run.logArtifact(file, "model/weights.bin").sha256()).isEqualTo(sha);

      browser.driver.get(server.base() + "/#/runs");
      String row = "table.runs-table tr[data-id='" + run.id() + "']";
      browser.await(
          "the outside run in the runs table", d -> !d.findElements(By.cssSelector(row)).isEmpty());
      browser.driver.findElement(By.cssSelector(row + " a.run-link")).click();
      browser.await("its run page", d -> d.getCurrentUrl().endsWith("#/run/" + run.id()));
      browser.await("status running", d -> text(browser, ".rp-status").equals("running"));
      String steps = ".rp-metrics tr[data-tag='train/loss'] td.steps";
      browser.await("ten points of train/loss", d -> text(browser, steps).equals("10"));
      assertThat(text(browser, ".rp-overview")).contains("Java client");
      assertThat(text(browser, ".rp-params")).contains("lr").contains("0.05");
      assertThat(text(browser, ".rp-kvtags")).contains("team").contains("vision");
      assertThat(
              browser.driver.findElements(
                  By.cssSelector(".rp-metrics tr[data-tag='system/cpu_percent']")))
          .as("system metrics are not among the training metrics")
          .isEmpty();
      String cpuChart = ".rp-system .card[data-tag='system/cpu_percent'] canvas";
      browser.await(
          "the system metric drawn in its own group", d -> browser.drawnPixels(cpuChart) > 100);

      // a point logged after the page opened appears on it
      run.log("train/loss", 10, 0.05);
      cairn.flush(Duration.ofSeconds(30));
      browser.await("the new point on the run page", d -> text(browser, steps).equals("11"));
      assertThat(text(browser, ".rp-metrics tr[data-tag='train/loss'] td.last")).isEqualTo("0.05");

      // the artifact: listed with its sha256, and the bytes the browser downloads hash to it
      String artifact = ".rp-artifacts tr[data-path='model/weights.bin']";
      browser.await(
          "the artifact listed", d -> !d.findElements(By.cssSelector(artifact)).isEmpty());
      assertThat(
              browser
                  .driver
                  .findElement(By.cssSelector(artifact + " .sha"))
                  .getAttribute("data-sha256"))
          .isEqualTo(sha);
      assertThat(text(browser, artifact + " .sha")).isEqualTo(sha.substring(0, 12) + "…");
      WebElement link = browser.driver.findElement(By.cssSelector(artifact + " a.download"));
      Object downloaded =
          browser.driver.executeAsyncScript(
              "const done = arguments[arguments.length - 1];"
                  + "fetch(arguments[0].href).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))"
                  + ".then(d => done([...new Uint8Array(d)].map(x => x.toString(16).padStart(2, '0')).join('')))"
                  + ".catch(e => done('error: ' + e));",
              link);
      assertThat(downloaded).isEqualTo(sha);
      browser.screenshot("run-page-outside-run");

      // its Scalars chart, reached from the page, follows the run live as well
      browser.driver.findElement(By.cssSelector(".rp-links a[data-view='scalars']")).click();
      String legendStep =
          ".card.chart[data-tag='train/loss'] tr[data-run='" + run.id() + "'] td.step";
      browser.await("the run's loss chart in Scalars", d -> text(browser, legendStep).equals("10"));
      run.log("train/loss", 11, 0.04);
      cairn.flush(Duration.ofSeconds(30));
      browser.await("the new point in Scalars", d -> text(browser, legendStep).equals("11"));

      browser.driver.get(server.base() + "/#/run/" + run.id());
      browser.await("run page again", d -> text(browser, ".rp-status").equals("running"));
      run.end(EndStatus.FINISHED);
      browser.await("status finished, live", d -> text(browser, ".rp-status").equals("finished"));
      assertThat(List.of(text(browser, steps))).containsExactly("12");
    } finally {
      server.stop();
    }
  }

  private static String text(DashboardBrowser browser, String css) {
    Object t =
        browser.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';",
            css);
    return String.valueOf(t);
  }
}

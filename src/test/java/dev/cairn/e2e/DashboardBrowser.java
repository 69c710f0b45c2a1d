package dev.cairn.e2e;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver: both paths are given
 * explicitly so that Selenium never looks for (or downloads) a browser of its own.
 */
final class DashboardBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("cairn.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("cairn.chromedriver", "/usr/bin/chromedriver"));

  /** Screenshots of every view, kept as test artifacts. */
  static final Path SHOTS =
      Path.of(System.getProperty("cairn.screenshots", "target/dashboard-screenshots"))
          .toAbsolutePath();

  /**
   * Selenium warns at every start that it has no DevTools (CDP) module matching Debian's chromium;
   * the tests drive the page through WebDriver only and never use CDP, so that warning is noise.
   * Held in a field: java.util.logging keeps loggers weakly, and a collected one loses its level.
   */
  private static final List<Logger> QUIET =
      Stream.of(
              "org.openqa.selenium.devtools.CdpVersionFinder",
              "org.openqa.selenium.chromium.ChromiumDriver")
          .map(Logger::getLogger)
          .peek(l -> l.setLevel(Level.SEVERE))
          .toList();

  final ChromeDriver driver;
  private final Path profile;

  DashboardBrowser() throws IOException {
    profile = Files.createTempDirectory("cairn-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1280,800",
        "--force-device-scale-factor=1");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
    driver = new ChromeDriver(service, options);
    // the window's frame takes some of --window-size: make the page itself 1280 x 800
    Long innerW = (Long) js("return window.innerWidth");
    Long innerH = (Long) js("return window.innerHeight");
    var size = driver.manage().window().getSize();
    driver
        .manage()
        .window()
        .setSize(
            new Dimension(
                size.getWidth() + 1280 - innerW.intValue(),
                size.getHeight() + 800 - innerH.intValue()));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    // the page re-renders as data arrives: an element found a moment ago may be gone; a fresh
    // page's
    // requests can wait behind a busy server on a loaded 2-core machine, hence the long limit
    return new WebDriverWait(driver, Duration.ofSeconds(120))
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Saves the window as {@code SHOTS/<name>.png}. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SHOTS);
    File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path target = SHOTS.resolve(name + ".png");
    Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** Pixels of a canvas that are not transparent: 0 means nothing was drawn. */
  long drawnPixels(String canvasSelector) {
    Object n =
        js(
            "const c = document.querySelector(arguments[0]); if (!c) return -1;"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let k = 0;"
                + "for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) k++; return k;",
            canvasSelector);
    return ((Number) n).longValue();
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

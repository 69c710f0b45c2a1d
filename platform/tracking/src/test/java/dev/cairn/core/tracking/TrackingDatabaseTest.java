package dev.cairn.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database other stores use: writes on the store's writer, whole or not at all, durable. */
class TrackingDatabaseTest {
  @TempDir Path dataDir;

  @Test
  void aWriteCommitsWholeOrNotAtAllAndSurvivesReopening() throws Exception {
    String run;
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dataDir)) {
      run = store.createRun(new NewRun("e", "r", "", "", 1, "cpu", Map.of(), Map.of())).id();
      TrackingDatabase db = store.database();
      db.write(c -> note(c, run, "kept"));
      assertThatThrownBy(
              () ->
                  db.write(
                      c -> {
                        note(c, run, "rolled back");
                        throw new SQLException("the second half failed");
                      }))
          .hasMessage("the second half failed");
      String note = db.read(c -> noteOf(c, run));
      assertThat(note).isEqualTo("kept");
      // the store's own writes still work after a rolled-back one
      store.logParams(run, Map.of("lr", "0.1"));
      assertThat(store.params(run)).containsEntry("lr", "0.1");
    }
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dataDir)) {
      String note = store.database().read(c -> noteOf(c, run));
      assertThat(note).isEqualTo("kept");
    }
  }

  @Test
  void aClosedStoreRefusesReadsAndWrites() {
    H2TrackingStore store = H2TrackingStore.openInDirectory(dataDir);
    TrackingDatabase db = store.database();
    store.close();
    assertThatThrownBy(() -> db.write(c -> null)).hasMessageContaining("is closed");
    assertThatThrownBy(() -> db.read(c -> null)).hasMessageContaining("is closed");
  }

  private static Void note(Connection c, String run, String text) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO run_notes (run_id, tags, notes) KEY (run_id) VALUES (?, '', ?)")) {
      ps.setString(1, run);
      ps.setString(2, text);
      ps.executeUpdate();
    }
    return null;
  }

  private static String noteOf(Connection c, String run) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT notes FROM run_notes WHERE run_id = ?")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}

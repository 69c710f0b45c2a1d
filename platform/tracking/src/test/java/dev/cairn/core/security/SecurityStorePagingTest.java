package dev.cairn.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.tracking.H2TrackingStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens are listed a page at a time from the database, in creation order, then by name. */
class SecurityStorePagingTest {
  @TempDir Path data;

  @Test
  void tokensComeInPagesThatTogetherAreTheWholeList() {
    try (H2TrackingStore tracking = H2TrackingStore.openInDirectory(data)) {
      SecurityStore store = new H2SecurityStore(tracking.database());
      List<String> created = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        created.add(store.createToken("t" + i, Scope.READ, null).info().name());
      }
      store.revokeToken("t2");

      List<String> paged = new ArrayList<>();
      for (long offset = 0; offset < 6; offset += 2) {
        List<TokenInfo> page = store.listTokens(offset, 2);
        assertThat(page).hasSize(offset < 4 ? 2 : 1);
        page.forEach(t -> paged.add(t.name()));
      }
      assertThat(store.listTokens(5, 2)).isEmpty();
      List<TokenInfo> all = store.listTokens();
      assertThat(all.stream().map(TokenInfo::name).toList()).isEqualTo(paged);
      assertThat(paged).containsExactlyInAnyOrderElementsOf(created);
      assertThat(all)
          .isSortedAccordingTo(
              Comparator.comparing(TokenInfo::createdAt).thenComparing(TokenInfo::name));
      assertThat(all.stream().filter(t -> t.revokedAt() != null).map(TokenInfo::name))
          .containsExactly("t2");
      assertThatThrownBy(() -> store.listTokens(0, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit at least 1");
    }
  }
}

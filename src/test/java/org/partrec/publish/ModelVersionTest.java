package org.partrec.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelVersionTest {

    /** Time first, then the run number as a number: "-10" after "-9", which string order gets wrong. */
    @Test
    void versionsOrderByTimeThenRunNumber() {
        List<String> ids = List.of("20261127T221459Z-11", "20261127T221500Z-9", "20261127T221500Z-10",
                "20261128T000000Z-1");
        List<ModelVersion> shuffled = new ArrayList<>(ids.stream().map(ModelVersion::parse).toList());
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertThat(shuffled).map(ModelVersion::toString).containsExactlyElementsOf(ids);
        assertThat("20261127T221500Z-10".compareTo("20261127T221500Z-9")).as("as strings").isNegative();
        assertThat(ModelVersion.parse("20261127T221500Z-9").isBefore(ModelVersion.parse("20261127T221500Z-10")))
                .isTrue();
    }

    @Test
    void equalOrderIsEqualVersions() {
        ModelVersion a = ModelVersion.parse("20261127T221500Z-3");
        assertThat(a).isEqualTo(new ModelVersion("20261127T221500Z", 3)).hasSameHashCodeAs(ModelVersion.parse(a.toString()));
        assertThat(a.compareTo(ModelVersion.parse("20261127T221500Z-3"))).isZero();
    }

    @Test
    void onlyRunIdsAreVersions() {
        for (String bad : List.of("popular-20261127T221500Z-1", "20261127T221500Z", "20261127T221500Z-01",
                "20261127T221500Z--1", "../20261127T221500Z-1", "20261127t221500z-1", "")) {
            assertThat(ModelVersion.of(bad)).as(bad).isEmpty();
            assertThatThrownBy(() -> ModelVersion.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not of the form");
        }
        assertThat(ModelVersion.of(null)).isEmpty();
        assertThatThrownBy(() -> new ModelVersion("20261127T221500Z", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package org.partrec.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdMapTest {

    @Test
    void ofAssignsDenseIndicesInGivenOrder() {
        IdMap map = IdMap.of("b", "a", "c");

        assertThat(map.size()).isEqualTo(3);
        assertThat(map.indexOf("b")).isZero();
        assertThat(map.indexOf("a")).isEqualTo(1);
        assertThat(map.indexOf("c")).isEqualTo(2);
        assertThat(map.idOf(0)).isEqualTo("b");
        assertThat(map.idOf(1)).isEqualTo("a");
        assertThat(map.idOf(2)).isEqualTo("c");
    }

    @Test
    void unknownIdHasIndexMinusOne() {
        IdMap map = IdMap.of("x");

        assertThat(map.indexOf("y")).isEqualTo(-1);
        assertThat(map.indexOf("")).isEqualTo(-1);
        assertThat(map.indexOf("X")).as("ids are case-sensitive").isEqualTo(-1);
    }

    @Test
    void ofRejectsDuplicateIdsNamingTheId() {
        assertThatThrownBy(() -> IdMap.of("a", "b", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate id: a");
    }

    @Test
    void emptyMapHasSizeZero() {
        IdMap map = IdMap.of();

        assertThat(map.size()).isZero();
        assertThat(map.indexOf("a")).isEqualTo(-1);
    }

    @Test
    void builderInternsInOrderOfFirstAppearanceAndReturnsExistingIndexAgain() {
        IdMap.Builder builder = new IdMap.Builder();

        assertThat(builder.intern("u7")).isZero();
        assertThat(builder.intern("u3")).isEqualTo(1);
        assertThat(builder.intern("u7")).isZero();
        assertThat(builder.intern("u9")).isEqualTo(2);
        assertThat(builder.size()).isEqualTo(3);

        IdMap map = builder.build();
        assertThat(map.idOf(0)).isEqualTo("u7");
        assertThat(map.idOf(1)).isEqualTo("u3");
        assertThat(map.idOf(2)).isEqualTo("u9");
    }

    @Test
    void builderGrowsPastItsInitialCapacity() {
        IdMap.Builder builder = new IdMap.Builder();
        for (int i = 0; i < 1000; i++) {
            assertThat(builder.intern("id" + i)).isEqualTo(i);
        }
        IdMap map = builder.build();

        assertThat(map.size()).isEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(map.indexOf("id" + i)).isEqualTo(i);
            assertThat(map.idOf(i)).isEqualTo("id" + i);
        }
    }

    @Test
    void builtMapIsNotChangedByLaterInterning() {
        IdMap.Builder builder = new IdMap.Builder();
        builder.intern("a");
        IdMap before = builder.build();

        builder.intern("b");

        assertThat(before.size()).isEqualTo(1);
        assertThat(before.indexOf("b")).isEqualTo(-1);
        assertThat(builder.build().indexOf("b")).isEqualTo(1);
    }

    @Test
    void toBuilderKeepsIndicesAndAppendsNewIdsAfterThem() {
        IdMap train = IdMap.of("p", "q", "r");

        IdMap.Builder builder = train.toBuilder();
        assertThat(builder.intern("q")).isEqualTo(1);
        assertThat(builder.intern("s")).isEqualTo(3);
        IdMap extended = builder.build();

        for (int i = 0; i < train.size(); i++) {
            assertThat(extended.idOf(i)).isEqualTo(train.idOf(i));
        }
        assertThat(extended.indexOf("s")).isEqualTo(3);
        assertThat(train.size()).as("the original map is left as it was").isEqualTo(3);
        assertThat(train.indexOf("s")).isEqualTo(-1);
    }

    @Test
    void idOfOutsideTheRangeThrows() {
        IdMap map = IdMap.of("a");

        assertThatThrownBy(() -> map.idOf(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> map.idOf(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}

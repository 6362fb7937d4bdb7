package org.dmacheck.prop.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CallTimerTest {
    @Test
    void returnsTheResultAndRethrowsTheCallsOwnException() {
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            assertThat(timer.call("dma_map_phys", () -> 0x1000L)).isEqualTo(0x1000L);
            assertThatThrownBy(() -> timer.run("dma_unmap_phys", () -> {
                throw new IllegalArgumentException("invalid direction");
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("invalid direction");
        }
    }

    @Test
    void aCallThatNeverReturnsBecomesAnEngineHangNamingTheCallAndTheNextCallStillRuns() {
        CountDownLatch never = new CountDownLatch(1);
        try (CallTimer timer = new CallTimer(Duration.ofMillis(300))) {
            assertThatThrownBy(() -> timer.run("dma_map_sg", () -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isInstanceOf(EngineHangException.class)
                    .hasMessage("engine call dma_map_sg did not return within 300 ms");
            // a fresh worker replaces the stuck one
            assertThat(timer.call("dma_map_phys", () -> 7)).isEqualTo(7);
        }
    }

    @Test
    void refusesANonPositiveLimit() {
        assertThatThrownBy(() -> new CallTimer(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}

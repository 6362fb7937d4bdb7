package org.dmacheck.prop.exec;

import java.time.Duration;

/** An engine call did not return within the per-call limit. */
public final class EngineHangException extends RuntimeException {
    private final String call;
    private final Duration limit;

    public EngineHangException(String call, Duration limit) {
        super("engine call " + call + " did not return within " + describe(limit));
        this.call = call;
        this.limit = limit;
    }

    /** The Linux name of the call, e.g. {@code dma_map_sg}. */
    public String call() {
        return call;
    }

    public Duration limit() {
        return limit;
    }

    /** {@code 5 s} or {@code 250 ms}. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

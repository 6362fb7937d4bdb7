package org.dmacheck.prop.exec;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs engine calls on a worker thread and gives up on a call that does not return within the
 * limit, so a hanging engine becomes a reported failure instead of a stuck run. A call that timed
 * out leaves its thread behind (interrupted, daemon) and the next call gets a fresh worker: the
 * engine is then in an unknown state and must not be used again.
 */
public final class CallTimer implements AutoCloseable {
    /** The default per-call limit. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(5);

    private final Duration limit;
    private ExecutorService worker;

    public CallTimer(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("call time limit must be positive, got " + limit);
        }
        this.limit = limit;
        this.worker = newWorker();
    }

    public Duration limit() {
        return limit;
    }

    /**
     * Runs {@code body} on the worker and returns its result; rethrows what the body throws
     * (unchecked exceptions and errors as they are); throws {@link EngineHangException} naming
     * {@code call} when the limit passes first.
     */
    public <T> T call(String call, Callable<T> body) {
        Future<T> future = worker.submit(body);
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new EngineHangException(call, limit);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("engine call " + call + " threw " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IllegalStateException("interrupted while waiting for engine call " + call, e);
        }
    }

    /** {@link #call} for a call without a result. */
    public void run(String call, Runnable body) {
        call(call, () -> {
            body.run();
            return null;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dmacheck-engine-call");
            t.setDaemon(true);
            return t;
        });
    }
}

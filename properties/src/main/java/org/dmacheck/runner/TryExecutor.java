package org.dmacheck.runner;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs property bodies, either in the calling thread or, with a per-try timeout, in a worker thread
 * that is abandoned (interrupted, replaced) when a try overruns, so a hanging system under test
 * becomes a failure with key {@value PropertyViolation#TIMEOUT_KEY}.
 */
sealed interface TryExecutor extends AutoCloseable permits TryExecutor.Inline, TryExecutor.Timed {

    /** A body to run. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /** Runs {@code body}; returns what it threw, or {@code null} if it completed normally. */
    Throwable run(Body body);

    @Override
    void close();

    /** An executor for {@code timeout}, or an inline one if {@code timeout} is {@code null}. */
    static TryExecutor create(Duration timeout) {
        return timeout == null ? new Inline() : new Timed(timeout);
    }

    /** Runs bodies in the calling thread. */
    final class Inline implements TryExecutor {

        @Override
        public Throwable run(Body body) {
            try {
                body.run();
                return null;
            } catch (Throwable failure) {
                return failure;
            }
        }

        @Override
        public void close() {
        }
    }

    /** Runs bodies in a daemon worker thread with a time limit. */
    final class Timed implements TryExecutor {

        private final Duration timeout;
        private ExecutorService worker = newWorker();

        Timed(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
        }

        private static ExecutorService newWorker() {
            return Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "dmacheck-try");
                thread.setDaemon(true);
                return thread;
            });
        }

        @Override
        public Throwable run(Body body) {
            Future<Throwable> result = worker.submit(() -> new Inline().run(body));
            try {
                return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                worker.shutdownNow();
                worker = newWorker();
                return new PropertyViolation(PropertyViolation.TIMEOUT_KEY,
                        "try did not finish within the per-try timeout of " + timeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a try", e);
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }

        @Override
        public void close() {
            worker.shutdownNow();
        }
    }
}

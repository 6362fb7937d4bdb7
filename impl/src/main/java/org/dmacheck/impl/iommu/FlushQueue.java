package org.dmacheck.impl.iommu;

import java.util.ArrayDeque;
import org.dmacheck.spec.platform.IommuHw;

/**
 * A lazy domain's flush queue ({@code struct iova_fq} and its counters in {@code dma-iommu.c}), one
 * queue per domain. Unmapped IOVA ranges wait here, still occupied in the allocator, until a full
 * IOTLB flush that <em>started after</em> they were queued has finished: an entry is released when
 * {@code entry.counter < fq_flush_finish_cnt}, where {@code counter} is {@code fq_flush_start_cnt}
 * at enqueue time.
 *
 * <p>Triggers, as in Linux: opportunistic reaping on every enqueue; a full queue flushes then reaps
 * ({@code IOVA_DEFAULT_FQ_SIZE} = 256 ring slots, one always empty, so 255 entries fit); and the
 * timer, armed by the first enqueue while it is off, flushes and reaps
 * {@code IOVA_DEFAULT_FQ_TIMEOUT} = 10 ms later on the engine's logical clock. Every operation is
 * O(1) amortised (a release is O(log n) in the allocator).
 */
final class FlushQueue {
    /** {@code IOVA_DEFAULT_FQ_SIZE}: ring slots per queue. */
    static final int FQ_SIZE = 256;
    /** {@code IOVA_DEFAULT_FQ_TIMEOUT} in milliseconds. */
    static final long FQ_TIMEOUT_MS = 10;

    /** {@code struct iova_fq_entry}: the allocator node to release and the flush counter at enqueue. */
    private record Entry(long pfn, long pages, long counter) {
    }

    private final IommuHw iommu;
    private final IovaAllocator iovad;
    private final ArrayDeque<Entry> ring = new ArrayDeque<>();
    private long flushStartCnt;
    private long flushFinishCnt;
    private boolean timerOn;
    private long timerDeadline;
    private long queuedPages;

    FlushQueue(IommuHw iommu, IovaAllocator iovad) {
        this.iommu = iommu;
        this.iovad = iovad;
    }

    /** Frames waiting for a flush. */
    long queuedPages() {
        return queuedPages;
    }

    /** {@code queue_iova()}: the PTEs of the range are already cleared, the IOTLB is not yet. */
    void queue(long pfn, long pages, long now) {
        reap();
        if (ring.size() == FQ_SIZE - 1) {
            // fq_full(): flush here and release everything that flush covered.
            flushIotlb();
            reap();
        }
        ring.addLast(new Entry(pfn, pages, flushStartCnt));
        queuedPages += pages;
        if (!timerOn) {
            timerOn = true;
            timerDeadline = now + FQ_TIMEOUT_MS;
        }
    }

    /** Runs {@code fq_flush_timeout()} if the timer is due at {@code now}. */
    void tick(long now) {
        if (timerOn && now >= timerDeadline) {
            timerOn = false;
            flushIotlb();
            reap();
        }
    }

    /** {@code fq_flush_iotlb()}: start, flush the whole IOTLB, finish. */
    private void flushIotlb() {
        flushStartCnt++;
        iommu.flushIotlbAll();
        flushFinishCnt++;
    }

    /** {@code fq_ring_free_locked()}: releases entries in order while a later-started flush has finished. */
    private void reap() {
        while (!ring.isEmpty() && ring.peekFirst().counter() < flushFinishCnt) {
            Entry e = ring.removeFirst();
            iovad.free(e.pfn());
            queuedPages -= e.pages();
        }
    }
}

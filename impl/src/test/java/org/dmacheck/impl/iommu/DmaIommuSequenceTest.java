package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.impl.iommu.IommuRig.NIC;
import static org.dmacheck.impl.iommu.IommuRig.PLAT;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.junit.jupiter.api.Test;

/**
 * Seeded random sequences of single, sg and two-step mappings on a strict and a lazy domain, with a
 * trusted PCI device and an untrusted platform device. After every step: the engine's PTE count
 * equals the page table's (this engine is its only user), every live single mapping reads back its
 * buffer through the IOMMU, and no map fails (space is plentiful, so a failure would mean an IOVA
 * handed out twice). At the end everything is released: no IOVA, PTE, queue entry or slot is left.
 */
class DmaIommuSequenceTest {
    private record Single(DeviceId dev, long phys, long dma, long size, byte fill) {
    }

    private record Sg(DeviceId dev, Scatterlist sgl) {
    }

    private record TwoStep(DeviceId dev, DmaIovaState state, long size) {
    }

    @Test
    void randomSequencesKeepTheBooksExact() {
        for (IommuDomainType type : List.of(IommuDomainType.DMA, IommuDomainType.DMA_FQ)) {
            for (long seed = 1; seed <= 3; seed++) {
                run(type, seed);
            }
        }
    }

    private static void run(IommuDomainType type, long seed) {
        IommuRig r = IommuRig.of(DomainConfig.of(IommuRig.DOMAIN, type, 0x1000), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true).minAlignMask(0xFFF));
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Single> singles = new ArrayList<>();
        List<Sg> lists = new ArrayList<>();
        List<TwoStep> states = new ArrayList<>();
        long nextBuf = 0x1_0000_0000L;
        for (int step = 0; step < 400; step++) {
            String at = type + " seed " + seed + " step " + step;
            DeviceId dev = rnd.nextBoolean() ? NIC : PLAT;
            int op = rnd.nextInt(8);
            if (op <= 1) {
                long size = 1 + rnd.nextInt(0x3000);
                long phys = nextBuf + rnd.nextInt(0x1000);
                nextBuf += 0x8000;
                byte fill = (byte) (1 + rnd.nextInt(250));
                r.fill(phys, (int) size, fill);
                long dma = r.engine.mapPhys(dev, phys, size, Direction.BIDIRECTIONAL, 0);
                assertThat(dma).as(at).isNotEqualTo(DmaEngine.DMA_MAPPING_ERROR);
                singles.add(new Single(dev, phys, dma, size, fill));
            } else if (op == 2 && !singles.isEmpty()) {
                Single s = singles.remove(rnd.nextInt(singles.size()));
                r.engine.unmapPhys(s.dev(), s.dma(), s.size(), Direction.BIDIRECTIONAL, 0);
            } else if (op == 3) {
                int n = 1 + rnd.nextInt(4);
                long[] pairs = new long[2 * n];
                for (int i = 0; i < n; i++) {
                    pairs[2 * i] = nextBuf + (rnd.nextBoolean() ? 0 : rnd.nextInt(0x1000));
                    pairs[2 * i + 1] = 1 + rnd.nextInt(0x2000);
                    nextBuf += 0x4000;
                }
                Scatterlist sgl = Scatterlist.of(pairs);
                int count = r.engine.mapSg(dev, sgl, n, Direction.TO_DEVICE, 0);
                assertThat(count).as(at).isBetween(1, n);
                assertThat(sumDmaLength(sgl, count)).as(at).isEqualTo(sgl.totalLength(n));
                lists.add(new Sg(dev, sgl));
            } else if (op == 4 && !lists.isEmpty()) {
                Sg s = lists.remove(rnd.nextInt(lists.size()));
                r.engine.unmapSg(s.dev(), s.sgl(), s.sgl().size(), Direction.TO_DEVICE, 0);
            } else if (op == 5) {
                long size = 0x1000 * (1 + rnd.nextInt(4));
                long phys = nextBuf;
                nextBuf += 0x8000;
                DmaIovaState st = new DmaIovaState();
                assertThat(r.engine.iovaTryAlloc(dev, st, phys, size)).as(at).isTrue();
                assertThat(r.engine.iovaLink(dev, st, phys, 0, size, Direction.FROM_DEVICE, 0)).as(at).isZero();
                assertThat(r.engine.iovaSync(dev, st, 0, size)).as(at).isZero();
                states.add(new TwoStep(dev, st, size));
            } else if (op == 6 && !states.isEmpty()) {
                TwoStep t = states.remove(rnd.nextInt(states.size()));
                r.engine.iovaDestroy(t.dev(), t.state(), t.size(), Direction.FROM_DEVICE, 0);
            } else {
                r.engine.advanceClock(rnd.nextInt(6));
            }
            assertThat(r.livePtes()).as(at).isEqualTo(r.domain().livePteCount());
            if (!singles.isEmpty()) {
                Single s = singles.get(rnd.nextInt(singles.size()));
                assertThat(firstOther(r.deviceRead(s.dev(), s.dma(), (int) s.size()), s.fill())).as(at).isEqualTo(-1);
            }
        }
        for (Single s : singles) {
            r.engine.unmapPhys(s.dev(), s.dma(), s.size(), Direction.BIDIRECTIONAL, 0);
        }
        for (Sg s : lists) {
            r.engine.unmapSg(s.dev(), s.sgl(), s.sgl().size(), Direction.TO_DEVICE, 0);
        }
        for (TwoStep t : states) {
            r.engine.iovaDestroy(t.dev(), t.state(), t.size(), Direction.FROM_DEVICE, 0);
        }
        r.engine.advanceClock(10);
        String at = type + " seed " + seed + " teardown";
        assertThat(r.iovaGranules()).as(at).isZero();
        assertThat(r.flushQueued()).as(at).isZero();
        assertThat(r.livePtes()).as(at).isZero();
        assertThat(r.domain().livePteCount()).as(at).isZero();
        assertThat(r.swiotlb.slotsUsed()).as(at).isZero();
        assertThat(r.platform.kernelLog()).as(at).noneMatch(l -> l.contains("iommu") || l.contains("swiotlb"));
    }

    /** Index of the first byte that is not {@code value}, or -1 (cheaper than boxing every byte). */
    private static int firstOther(byte[] data, byte value) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != value) {
                return i;
            }
        }
        return -1;
    }

    private static long sumDmaLength(Scatterlist sgl, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += sgl.get(i).dmaLength();
        }
        return total;
    }
}

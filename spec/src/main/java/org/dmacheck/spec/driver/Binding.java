package org.dmacheck.spec.driver;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * The live object a handle names: what the driver must remember to use and release it, as a kernel
 * driver would keep a {@code dma_addr_t}, a {@code struct scatterlist}, a {@code dma_iova_state}.
 * A binding is {@link #misused()} once a misused call targeted it (wrong size, direction or entry
 * count): the engine may or may not still hold it, so only a correct release is issued on it after
 * that.
 */
public sealed interface Binding {
    String handle();

    DeviceId dev();

    boolean misused();

    /** The DMA address ranges a device access can target, in segment order. */
    List<Target> targets();

    /** Where the device can reach the object: {@code length} bytes at {@code dmaAddr}. */
    record Target(long dmaAddr, long length) {
    }

    /** A live single mapping: the map call's arguments and the returned address. */
    record Single(String handle, DeviceId dev, Op.MapKind kind, long phys, long size, Direction dir, long attrs,
                  long dmaAddr, boolean misused) implements Binding {
        @Override
        public List<Target> targets() {
            return List.of(new Target(dmaAddr, size));
        }

        Single asMisused() {
            return new Single(handle, dev, kind, phys, size, dir, attrs, dmaAddr, true);
        }
    }

    /** A mapped scatterlist: the list the engine wrote into, {@code nents} passed, {@code count} returned. */
    record Sg(String handle, DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs, int count,
              boolean misused) implements Binding {
        @Override
        public List<Target> targets() {
            List<Target> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new Target(sgl.get(i).dmaAddress(), sgl.get(i).dmaLength()));
            }
            return out;
        }

        Sg asMisused() {
            return new Sg(handle, dev, sgl, nents, dir, attrs, count, true);
        }
    }

    /**
     * A two-step state from {@code dma_iova_try_alloc(dev, state, phys, size)}, with its links in
     * link order. A state whose try_alloc failed is bound too ({@code state.inUse()} false) so later
     * steps on it are skipped rather than invalid.
     */
    record Iova(String handle, DeviceId dev, DmaIovaState state, long phys, long size, List<Link> links,
                boolean misused) implements Binding {
        public Iova {
            links = List.copyOf(links);
        }

        @Override
        public List<Target> targets() {
            return links.stream().map(l -> new Target(state.addr() + l.offset(), l.size())).toList();
        }

        /** The link covering exactly {@code [offset, offset+size)}, or -1. */
        int linkIndex(long offset, long size) {
            for (int i = 0; i < links.size(); i++) {
                if (links.get(i).offset() == offset && links.get(i).size() == size) {
                    return i;
                }
            }
            return -1;
        }

        Iova withLinks(List<Link> newLinks) {
            return new Iova(handle, dev, state, phys, size, newLinks, misused);
        }

        Iova asMisused() {
            return new Iova(handle, dev, state, phys, size, links, true);
        }
    }

    /** One successful {@code dma_iova_link}: {@code size} bytes of {@code phys} at {@code offset}. */
    record Link(long offset, long phys, long size, Direction dir, long attrs) {
        public long end() {
            return offset + size;
        }
    }

    /** A coherent allocation. */
    record Coherent(String handle, DeviceId dev, CoherentBuffer buffer, long attrs, boolean misused) implements Binding {
        @Override
        public List<Target> targets() {
            return List.of(new Target(buffer.dmaAddr(), buffer.size()));
        }
    }
}

package org.dmacheck.spec.op;

import java.util.function.Function;
import org.dmacheck.spec.platform.DeviceId;

/** The operation keywords of the trace format and their fields (the inverse of {@link TraceWriter#op}). */
final class OpSyntax {
    private OpSyntax() {
    }

    static Op parse(String name, TraceLine l, Function<TraceLine, DeviceId> dev, Function<TraceLine, String> bound) {
        return switch (name) {
            case "map_single" -> new Op.MapSingle(l.text("handle"), dev.apply(l), kind(l), l.u64("phys"),
                    l.u64("size"), l.dir("dir"), l.attrs("attrs"));
            case "unmap_single" -> new Op.UnmapSingle(bound.apply(l), kind(l), l.s64("addr_delta"), l.u64("size"),
                    l.dir("dir"), l.attrs("attrs"));
            case "unmap_unknown" -> new Op.UnmapUnknown(dev.apply(l), kind(l), l.u64("dma_addr"), l.u64("size"),
                    l.dir("dir"), l.attrs("attrs"));
            case "map_sg" -> new Op.MapSg(l.text("handle"), dev.apply(l), TraceReader.entries(l), l.dir("dir"),
                    l.attrs("attrs"));
            case "unmap_sg" -> new Op.UnmapSg(bound.apply(l), l.int32("nents"), l.dir("dir"), l.attrs("attrs"));
            case "sync_single" -> new Op.SyncSingle(bound.apply(l), forDevice(l), l.u64("offset"), l.u64("size"),
                    l.dir("dir"));
            case "sync_sg" -> new Op.SyncSg(bound.apply(l), forDevice(l), l.int32("nents"), l.dir("dir"));
            case "iova_try_alloc" -> new Op.IovaTryAlloc(l.text("handle"), dev.apply(l), l.u64("phys"), l.u64("size"));
            case "iova_link" -> new Op.IovaLink(bound.apply(l), l.u64("phys"), l.u64("offset"), l.u64("size"),
                    l.dir("dir"), l.attrs("attrs"));
            case "iova_sync" -> new Op.IovaSync(bound.apply(l), l.u64("offset"), l.u64("size"));
            case "iova_unlink" -> new Op.IovaUnlink(bound.apply(l), l.u64("offset"), l.u64("size"), l.dir("dir"),
                    l.attrs("attrs"));
            case "iova_free" -> new Op.IovaFree(bound.apply(l));
            case "iova_destroy" -> new Op.IovaDestroy(bound.apply(l), l.u64("mapped_len"), l.dir("dir"),
                    l.attrs("attrs"));
            case "alloc_coherent" -> new Op.AllocCoherent(l.text("handle"), dev.apply(l), l.u64("size"),
                    l.attrs("attrs"));
            case "free_coherent" -> new Op.FreeCoherent(bound.apply(l), l.attrs("attrs"));
            case "cpu_write" -> new Op.CpuWrite(l.u64("phys"), l.u64("len"), l.int32("pattern"));
            case "cpu_read" -> new Op.CpuRead(l.u64("phys"), l.u64("len"));
            case "device_write" -> new Op.DeviceWrite(bound.apply(l), l.int32("segment"), l.u64("offset"),
                    l.u64("len"), l.int32("pattern"));
            case "device_read" -> new Op.DeviceRead(bound.apply(l), l.int32("segment"), l.u64("offset"), l.u64("len"));
            case "tick" -> new Op.Tick(l.u64("millis"));
            default -> throw l.fail("unknown operation '" + name + "'");
        };
    }

    /** The handle an operation binds, or null. */
    static String binds(Op op) {
        if (op instanceof Op.MapSingle o) {
            return o.handle();
        }
        if (op instanceof Op.MapSg o) {
            return o.handle();
        }
        if (op instanceof Op.IovaTryAlloc o) {
            return o.handle();
        }
        if (op instanceof Op.AllocCoherent o) {
            return o.handle();
        }
        return null;
    }

    private static Op.MapKind kind(TraceLine l) {
        return l.enumField("kind", Op.MapKind.class);
    }

    private static boolean forDevice(TraceLine l) {
        String v = l.text("for");
        if (v.equals("device")) {
            return true;
        }
        if (v.equals("cpu")) {
            return false;
        }
        throw l.fail("for=" + v + " is not cpu or device");
    }
}

package org.dmacheck.trace;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.dmacheck.trace.KernelEvent.At;
import org.dmacheck.trace.KernelEvent.SingleApi;

/**
 * The kprobe events {@code tools/dmacheck-capture.sh} defines ({@code docs/trace-capture.md}): an
 * entry probe {@code dmacheck_FUNC} with the call's arguments and, for calls whose result matters,
 * a return probe {@code dmacheck_FUNC_ret} with {@code ret=}. The kernel prints them as
 * {@code dmacheck_FUNC: (FUNC+0x0/0x1b0) dev="0000:01:00.0" arg=0x...} and
 * {@code dmacheck_FUNC_ret: (caller+0x4f/0x200 <- FUNC) ret=0x...}.
 */
final class KprobeEvents {
    static final String PREFIX = "dmacheck_";
    static final String RETURN_SUFFIX = "_ret";

    /** The probed functions. */
    static final Set<String> FUNCTIONS = Set.of(
            "dma_map_page_attrs", "dma_unmap_page_attrs", "dma_map_resource", "dma_unmap_resource",
            "dma_map_sg_attrs", "dma_map_sgtable", "dma_unmap_sg_attrs",
            "dma_iova_try_alloc", "dma_iova_link", "dma_iova_sync", "dma_iova_unlink", "dma_iova_destroy",
            "dma_iova_free");

    /** Functions whose event needs the return value to mean anything. */
    static final Set<String> NEED_RETURN = Set.of("dma_map_page_attrs", "dma_map_resource", "dma_map_sg_attrs",
            "dma_map_sgtable");

    private KprobeEvents() {
    }

    /** The probed function of a {@code dmacheck_*} event name, or null for a name that is not ours. */
    static String function(String eventName) {
        if (!eventName.startsWith(PREFIX)) {
            return null;
        }
        String f = eventName.substring(PREFIX.length());
        if (f.endsWith(RETURN_SUFFIX)) {
            f = f.substring(0, f.length() - RETURN_SUFFIX.length());
        }
        return FUNCTIONS.contains(f) ? f : null;
    }

    /** The text after the {@code (sym+off/size)} or {@code (caller <- func)} group. */
    static String arguments(Payload where, String payload) {
        String s = payload.strip();
        if (!s.startsWith("(")) {
            throw where.fail("expected '(symbol+offset/size)' after the event name");
        }
        int close = s.indexOf(')');
        if (close < 0) {
            throw where.fail("unterminated '(' symbol group");
        }
        return s.substring(close + 1);
    }

    /** Builds the event from an entry probe and its return value (null when none was recorded). */
    static KernelEvent event(String function, At at, Payload a, Payload ret) {
        String dev = unquote(a.text("dev"));
        return switch (function) {
            case "dma_map_page_attrs" -> new KernelEvent.SingleMap(at, dev, SingleApi.PAGE, a.dir("dir"), ret.hex("ret"),
                    a.dec("size"), OptionalLong.empty(), a.attrs("attrs"));
            case "dma_map_resource" -> new KernelEvent.SingleMap(at, dev, SingleApi.RESOURCE, a.dir("dir"),
                    ret.hex("ret"), a.dec("size"), OptionalLong.of(a.hex("phys")), a.attrs("attrs"));
            case "dma_unmap_page_attrs" -> new KernelEvent.SingleUnmap(at, dev, SingleApi.PAGE, a.dir("dir"),
                    a.hex("addr"), a.dec("size"), a.attrs("attrs"));
            case "dma_unmap_resource" -> new KernelEvent.SingleUnmap(at, dev, SingleApi.RESOURCE, a.dir("dir"),
                    a.hex("addr"), a.dec("size"), a.attrs("attrs"));
            case "dma_map_sg_attrs" -> sgMap(at, dev, a, a.int32("nents"), ret.int32("ret"), false);
            case "dma_map_sgtable" -> sgMap(at, dev, a, a.int32("nents"), ret.int32("ret"), true);
            case "dma_unmap_sg_attrs" -> new KernelEvent.SgUnmap(at, dev, a.dir("dir"), OptionalLong.of(a.hex("sg")),
                    a.int32("nents"), List.of(), a.attrs("attrs"));
            case "dma_iova_try_alloc" -> new KernelEvent.IovaTryAlloc(at, dev, a.hex("state"), a.hex("phys"),
                    a.dec("size"), ret == null ? Optional.empty() : Optional.of(ret.dec("ret") != 0));
            case "dma_iova_link" -> new KernelEvent.IovaLink(at, dev, a.hex("state"), a.hex("iova"), a.hex("phys"),
                    a.dec("offset"), a.dec("size"), a.dir("dir"), a.attrs("attrs"), ret(ret));
            case "dma_iova_sync" -> new KernelEvent.IovaSync(at, dev, a.hex("state"), a.hex("iova"), a.dec("offset"),
                    a.dec("size"), ret(ret));
            case "dma_iova_unlink" -> new KernelEvent.IovaUnlink(at, dev, a.hex("state"), a.hex("iova"),
                    a.dec("offset"), a.dec("size"), a.dir("dir"), a.attrs("attrs"));
            case "dma_iova_destroy" -> new KernelEvent.IovaDestroy(at, dev, a.hex("state"), a.hex("iova"),
                    a.dec("mapped_len"), a.dir("dir"), a.attrs("attrs"));
            case "dma_iova_free" -> new KernelEvent.IovaFree(at, dev, a.hex("state"), a.hex("iova"));
            default -> throw a.fail("not a dmacheck probe");
        };
    }

    /**
     * {@code dma_map_sg_attrs} returns the segment count (0 on failure); {@code dma_map_sgtable}
     * returns 0 or a negative errno.
     */
    private static KernelEvent sgMap(At at, String dev, Payload a, int nents, int ret, boolean sgtable) {
        boolean ok = sgtable ? ret == 0 : ret > 0;
        if (!ok) {
            return new KernelEvent.SgMapError(at, dev, a.dir("dir"), List.of(), sgtable ? ret : 0, a.attrs("attrs"));
        }
        return new KernelEvent.SgMap(at, dev, a.dir("dir"), OptionalLong.of(a.hex("sg")), nents, List.of(), List.of(),
                List.of(), false, a.attrs("attrs"));
    }

    private static OptionalLong ret(Payload ret) {
        return ret == null ? OptionalLong.empty() : OptionalLong.of(ret.dec("ret"));
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}

package org.dmacheck.spec.api;

/** The negative error codes the DMA API returns, with the kernel's numbers. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EOPNOTSUPP = 95;
    public static final int EREMOTEIO = 121;

    private Errno() {
    }

    /** The symbolic name of a (negative or positive) errno, e.g. {@code -EREMOTEIO}. */
    public static String name(int code) {
        int e = Math.abs(code);
        String n = switch (e) {
            case 0 -> "0";
            case EPERM -> "EPERM";
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EREMOTEIO -> "EREMOTEIO";
            default -> "E" + e;
        };
        return code < 0 ? "-" + n : n;
    }
}

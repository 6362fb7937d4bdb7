package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.List;

/** {@code IOMMU_*} protection bits ({@code include/linux/iommu.h}). */
public final class IommuProt {
    public static final int READ = 1;
    public static final int WRITE = 1 << 1;
    public static final int CACHE = 1 << 2;
    public static final int NOEXEC = 1 << 3;
    public static final int MMIO = 1 << 4;
    public static final int PRIV = 1 << 5;

    private IommuProt() {
    }

    public static String describe(int prot) {
        List<String> parts = new ArrayList<>();
        String[] names = {"READ", "WRITE", "CACHE", "NOEXEC", "MMIO", "PRIV"};
        for (int i = 0; i < names.length; i++) {
            if ((prot & (1 << i)) != 0) {
                parts.add(names[i]);
            }
        }
        return parts.isEmpty() ? "NONE" : String.join("|", parts);
    }
}

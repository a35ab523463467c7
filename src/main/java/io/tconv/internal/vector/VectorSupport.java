package io.tconv.internal.vector;

import java.lang.management.ManagementFactory;

/** What the JVM tells about the CPU, read once through HotSpot's diagnostic bean where there is one. */
final class VectorSupport {
    private VectorSupport() {}

    static boolean hasFma() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null || Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return true;   // not HotSpot: assume a modern CPU
        }
    }
}

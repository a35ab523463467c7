package io.tconv.internal;

import java.lang.management.ManagementFactory;

/**
 * Chooses the implementation family once per JVM: the Vector API kernels when {@code jdk.incubator.vector}
 * is readable, the JIT is C2 and the JDK is 21 or newer, else the scalar kernels, with one log line that
 * says why. {@code -Dtconv.vectorBits=0} asks for the scalar path; 128, 256 or 512 for a vector width.
 */
public final class Providers {
    private Providers() {}

    private static final String VECTOR_PROVIDER = "io.tconv.internal.vector.VectorProvider";

    private static final class Holder {
        static final String FALLBACK_REASON = fallbackReason();
        static final Provider CURRENT = load(FALLBACK_REASON);
    }

    /** The provider every new plan uses. */
    public static Provider current() {
        return Holder.CURRENT;
    }

    /** Why the scalar path is in use, or null when the vector provider is. */
    public static String fallback() {
        return Holder.CURRENT instanceof ScalarProvider ? Holder.FALLBACK_REASON : null;
    }

    private static Provider load(String reason) {
        if (reason == null) {
            try {
                return (Provider) Class.forName(VECTOR_PROVIDER).getConstructor().newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                reason = "the vector provider refused: " + e.getCause().getMessage();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                reason = "the vector provider failed to load: " + e;
            }
        }
        System.Logger log = System.getLogger("io.tconv");
        if ("0".equals(System.getProperty("tconv.vectorBits", "").strip())) {
            log.log(System.Logger.Level.DEBUG, "tconv: scalar kernels (" + reason + ")");
        } else {
            log.log(System.Logger.Level.WARNING, "tconv: using the scalar kernels: " + reason);
        }
        return new ScalarProvider();
    }

    /** The first reason the vector provider cannot be used here, or null when it can. */
    static String fallbackReason() {
        String bits = System.getProperty("tconv.vectorBits", "").strip();
        if (bits.equals("0")) return "-Dtconv.vectorBits=0 selects them";
        if (Runtime.version().feature() < 21) {
            return "JDK " + Runtime.version().feature() + " is too old for the Vector API kernels (need 21 or newer)";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the Vector API module is not readable; pass '--add-modules jdk.incubator.vector' to java";
        }
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) return "the JVM runs interpreted (-Xint); the Vector API needs C2";
        Integer tieredStop = intVmOption("TieredStopAtLevel");
        if (tieredStop != null && tieredStop < 4) return "C2 is disabled (-XX:TieredStopAtLevel=" + tieredStop + ")";
        return null;
    }

    private static Integer intVmOption(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : Integer.valueOf(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}

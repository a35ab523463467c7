package io.tconv.internal;

/** Chooses the implementation family once per JVM. */
public final class Providers {
    private Providers() {}

    private static final class Holder {
        static final Provider CURRENT = new ScalarProvider();
    }

    /** The provider every new plan uses. */
    public static Provider current() {
        return Holder.CURRENT;
    }
}

package io.tconv;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a computed output with the oracle. The allowed error of a cell is
 * {@code 2·(K + 1)·(ε·Σ|x·w| + η)}: ε the unit roundoff of the precision, η half its smallest subnormal (the
 * absolute error of a rounding that underflows), K the number of terms and the sum including |bias|. Each
 * of the K products and K + 1 additions rounds once, whatever the order, so this is the textbook bound with
 * a factor of 2 to spare. A cell no tap reaches must equal the bias exactly; NaN and infinities must match
 * exactly.
 */
final class Check {
    private Check() {}

    static final double EPS_F32 = Math.ulp(1.0f) / 2;
    static final double EPS_F64 = Math.ulp(1.0) / 2;
    static final double ETA_F32 = Float.MIN_VALUE / 2.0, ETA_F64 = Double.MIN_VALUE / 2;

    static void assertClose(Oracle ref, float[] y, int yOffset, String context) {
        for (int i = 0; i < ref.y.length; i++) {
            double want = (float) ref.y[i];
            compare(want, y[yOffset + i], ref.y[i], ref, i, EPS_F32, ETA_F32, context);
        }
    }

    static void assertClose(Oracle ref, double[] y, int yOffset, String context) {
        for (int i = 0; i < ref.y.length; i++) compare(ref.y[i], y[yOffset + i], ref.y[i], ref, i, EPS_F64, ETA_F64, context);
    }

    private static void compare(double want, double got, double exact, Oracle ref, int i, double eps, double eta, String context) {
        boolean ok;
        if (Double.isNaN(exact) || Double.isInfinite(exact)) {
            ok = Double.isNaN(exact) ? Double.isNaN(got) : got == exact;
        } else {
            double tol = 2.0 * (ref.terms[i] + 1) * (eps * ref.magnitude[i] + eta);
            ok = Math.abs(got - exact) <= tol || got == want;
        }
        if (!ok) {
            fail(context + ": output cell " + i + " is " + got + ", expected " + exact + " (terms " + ref.terms[i]
                    + ", sum |x*w| " + ref.magnitude[i] + ")");
        }
    }

    static float[] toFloat(double[] a) {
        if (a == null) return null;
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}

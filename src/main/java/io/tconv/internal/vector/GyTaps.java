package io.tconv.internal.vector;

import io.tconv.internal.Geometry;

/** For the gradients read from gy where it lies: the (D, H) taps through which an x row meets gy, and the columns where W taps do. */
final class GyTaps {
    private GyTaps() {}

    /**
     * The (D, H) taps through which x row (id, ih) meets a row of gy, in tap order: that gy row's first element
     * into {@code gyRows} (channels-last, from {@code gyImage}) and the tap's flat (D, H) index times kW into
     * {@code taps}. Returns how many.
     */
    static int of(Geometry g, int id, int ih, int gyImage, int[] gyRows, int[] taps) {
        return of(g, id, ih, gyImage, g.cout, gyRows, taps, 0);
    }

    /**
     * The same with gy's pixels {@code pixel} elements apart (1 for a channel's plane), from entry {@code at} of
     * the arrays on. Returns how many.
     */
    static int of(Geometry g, int id, int ih, int gyImage, int pixel, int[] gyRows, int[] taps, int at) {
        int count = at;
        for (int kd = 0; kd < g.k[0]; kd++) {
            long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int kh = 0; kh < g.k[1]; kh++) {
                long oh = (long) ih * g.s[1] - g.pb[1] + (long) kh * g.d[1];
                if (oh < 0 || oh >= g.out[1]) continue;
                gyRows[count] = gyImage + (int) ((od * g.out[1] + oh) * g.out[2]) * pixel;
                taps[count++] = (kd * g.k[1] + kh) * g.k[2];
            }
        }
        return count - at;
    }

    /** {@return the first x column whose W tap kw lands inside gy (at iw·s − pb + kw·d)} (inW when none) */
    static int firstColumn(Geometry g, int kw) {
        long off = (long) kw * g.d[2] - g.pb[2];
        return (int) Math.min(g.in[2], Math.max(0, Math.floorDiv(-off + g.s[2] - 1, g.s[2])));
    }

    /** {@return the x column after the last whose W tap kw lands inside gy} (at most inW; at or below the first when none) */
    static int endColumn(Geometry g, int kw) {
        long off = (long) kw * g.d[2] - g.pb[2];
        return (int) Math.max(0, Math.min(g.in[2], Math.floorDiv(g.out[2] - 1 - off, g.s[2]) + 1));
    }

    /** {@return {first, end}: the x columns whose every W tap lands inside gy} (first ≥ end when none) */
    static int[] interior(Geometry g) {
        int first = 0, end = g.in[2];
        for (int kw = 0; kw < g.k[2]; kw++) {
            first = Math.max(first, firstColumn(g, kw));
            end = Math.min(end, endColumn(g, kw));
        }
        return new int[] {first, Math.max(first, end)};
    }
}

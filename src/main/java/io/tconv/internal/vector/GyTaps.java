package io.tconv.internal.vector;

import io.tconv.internal.Geometry;

/** For the channels-last depthwise gradients: the (D, H) taps through which an x row meets gy. */
final class GyTaps {
    private GyTaps() {}

    /**
     * The (D, H) taps through which x row (id, ih) meets a row of gy, in tap order: that gy row's first element
     * into {@code gyRows} (channels-last, from {@code gyImage}) and the tap's flat (D, H) index times kW into
     * {@code taps}. Returns how many.
     */
    static int of(Geometry g, int id, int ih, int gyImage, int[] gyRows, int[] taps) {
        int count = 0;
        for (int kd = 0; kd < g.k[0]; kd++) {
            long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int kh = 0; kh < g.k[1]; kh++) {
                long oh = (long) ih * g.s[1] - g.pb[1] + (long) kh * g.d[1];
                if (oh < 0 || oh >= g.out[1]) continue;
                gyRows[count] = gyImage + (int) ((od * g.out[1] + oh) * g.out[2]) * g.cout;
                taps[count++] = (kd * g.k[1] + kh) * g.k[2];
            }
        }
        return count;
    }
}

package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The matrix view: equal to the transpose of the ordinary convolution's matrix (built here from the
 * convolution's own definition, a gather over the output), and {@code M · x + bias} is one more oracle for the
 * plans on random small geometries.
 */
class MatrixViewTest {
    @Test
    void isTheTransposeOfTheConvolutionsMatrixAndMatchesThePlans() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 31);
        for (int n = 0; n < 150; n++) {
            Case c = Case.random(r, 3, 1 + n % 3);
            ConvTransposeSpec spec = c.spec();
            if ((long) spec.outputElementsPerImage() * spec.inputElementsPerImage() > 1 << 20) continue;   // small shapes only
            double[][] d = c.data();
            double[] m = MatrixView.matrix(spec, d[1]);
            int rows = spec.outputElementsPerImage(), cols = spec.inputElementsPerImage();
            // The convolution y → x: x[ci, i] = Σ_{co in ci's group, t} w[ci, co, t] · y[co, i·s + t·d − p].
            double[] conv = new double[cols * rows];
            int cig = c.cin() / c.groups(), cog = c.cout() / c.groups();
            int[] out = c.outputSize();
            int inPlane = Case.prod(c.in()), outPlane = Case.prod(out), kVol = Case.prod(c.k());
            for (int ci = 0; ci < c.cin(); ci++) {
                for (int i = 0; i < inPlane; i++) {
                    for (int t = 0; t < kVol; t++) {
                        int o = Oracle.landing(c, i, t);
                        if (o < 0) continue;
                        for (int co = 0; co < cog; co++) {
                            int row = ci * inPlane + i, col = (ci / cig * cog + co) * outPlane + o;
                            conv[row * rows + col] += d[1][(ci * cog + co) * kVol + t];
                        }
                    }
                }
            }
            for (int a = 0; a < rows; a++) {
                for (int b = 0; b < cols; b++) assertEquals(conv[b * rows + a], m[a * cols + b], 0.0, c + " entry " + a + "," + b);
            }
            if (c.batch() == 0) continue;
            double[] y = new double[c.outputLength()];
            ConvTranspose.plan(spec, d[1], d[2], Parallelism.callerOnly()).execute(d[0], y);
            for (int img = 0; img < c.batch(); img++) {
                for (int a = 0; a < rows; a++) {
                    double want = d[2] == null ? 0 : d[2][a / outPlane], mag = Math.abs(want);
                    for (int b = 0; b < cols; b++) {
                        want += m[a * cols + b] * d[0][img * cols + b];
                        mag += Math.abs(m[a * cols + b] * d[0][img * cols + b]);
                    }
                    assertEquals(want, y[img * rows + a], 1e-13 * (1 + mag), c + " output " + a);
                }
            }
        }
    }

    @Test
    void refusesBigShapes() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(64, 64).inputSize(32, 32).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class, () -> MatrixView.matrix(spec, new double[spec.weightElements()]));
    }
}

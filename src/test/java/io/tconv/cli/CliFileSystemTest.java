package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tconv run} against hostile file systems: an output that is an input (directly or through a link), a
 * read-only folder and a disk that fills up. The last two mount a tiny tmpfs, which needs root (or
 * CAP_SYS_ADMIN); where mounting is not allowed those tests are skipped and show as skipped. In every case:
 * exit status 2, one line, inputs unchanged, no output and no temporary file left.
 */
class CliFileSystemTest extends CliTestBase {
    final List<Path> mounts = new ArrayList<>();

    Path[] inputs(int size) throws IOException {
        Path x = dir.resolve("x.npy"), w = dir.resolve("w.npy");
        float[] data = new float[size * size];
        for (int i = 0; i < data.length; i++) data[i] = i % 17;
        Npy.write(x, new long[] {1, 1, size, size}, data);
        Npy.write(w, new long[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4});
        return new Path[] {x, w};
    }

    /** A tmpfs of {@code kib} KiB with the given options, or a skipped test where mounting is not allowed. */
    Path mount(String options, int kib) throws IOException, InterruptedException {
        Path point = Files.createDirectories(dir.resolve("mnt" + mounts.size()));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options + ",size=" + kib + "k", "tmpfs", point.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.strip());
        mounts.add(point);
        return point;
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        for (Path m : mounts) new ProcessBuilder("umount", m.toString()).start().waitFor();
    }

    @Test
    void outputThatIsAnInputIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path[] in = inputs(8);
        byte[] before = Files.readAllBytes(in[0]);
        String[] same = {"run", "--input", in[0].toString(), "--weight", in[1].toString(), "--output", in[0].toString()};
        refused(dir.resolve("none.npy"), "is the --input file", same);
        Path link = dir.resolve("link.npy");
        Files.createSymbolicLink(link, in[1]);
        refused(dir.resolve("none.npy"), "is the --weight file", "run", "--input", in[0].toString(), "--weight", in[1].toString(),
                "--output", link.toString());
        Path relative = dir.resolve("sub/../x.npy");
        Files.createDirectories(dir.resolve("sub"));
        refused(dir.resolve("none.npy"), "is the --input file", "run", "--input", in[0].toString(), "--weight", in[1].toString(),
                "--output", relative.toString());
        assertArrayEquals(before, Files.readAllBytes(in[0]), "the input must not change");
    }

    @Test
    void readOnlyFolderIsRefused() throws Exception {
        Path[] in = inputs(8);
        Path ro = mount("ro", 64), y = ro.resolve("y.npy");
        refused(y, "cannot create a file in", "run", "--input", in[0].toString(), "--weight", in[1].toString(), "--output", y.toString());
    }

    @Test
    void aDiskThatFillsLeavesNoHalfWrittenOutput() throws Exception {
        Path[] in = inputs(128);   // output 1 x 1 x 256 x 256 floats: 256 KiB, on a 64 KiB file system
        Path full = mount("rw", 64), y = full.resolve("y.npy");
        refused(y, "write failed", "run", "--input", in[0].toString(), "--weight", in[1].toString(), "--stride", "2", "--output",
                y.toString());
        try (Stream<Path> left = Files.list(full)) {
            assertEquals(List.of(), left.toList(), "nothing left on the full disk");
        }
    }
}

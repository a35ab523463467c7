package io.tconv.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy {@code .npy} files of little-endian float32 ({@code <f4}) or float64 ({@code <f8}) in C order: a strict
 * reader that checks the header against the file's size before reading any data, and a writer that never
 * leaves a partial file behind (it writes a temporary file beside the target, then renames it).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** One array: its dtype ({@code f4} or {@code f8}), shape, and data in the matching array. */
    public record Array(String dtype, long[] shape, float[] f32, double[] f64) {
        public int rank() { return shape.length; }
        public long length() { return Npy.product(shape); }
        public boolean isDouble() { return f64 != null; }
    }

    private Npy() {}

    /** Reads a file; every problem becomes an IOException whose message names the file and what is wrong. */
    public static Array read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, path);
            head.flip();
            byte[] magic = new byte[Math.min(6, head.remaining())];
            head.get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw bad(path, "not an .npy file (bad magic)");
            if (head.remaining() < 4) throw bad(path, "truncated header");
            int major = head.get() & 0xff;
            head.get();
            long headerLength;
            int prefix;
            if (major == 1) {
                headerLength = head.getShort() & 0xffff;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                if (head.remaining() < 4) throw bad(path, "truncated header");
                headerLength = head.getInt() & 0xffffffffL;
                prefix = 12;
            } else {
                throw bad(path, "unsupported .npy version " + major);
            }
            if (headerLength > MAX_HEADER) throw bad(path, "header of " + headerLength + " bytes is implausibly long");
            if (prefix + headerLength > size) throw bad(path, "truncated header");
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            ch.position(prefix);
            readFully(ch, headerBytes, path);
            String header = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = Header.parse(header, path);
            int itemSize = h.dtype.equals("f4") ? 4 : 8;
            long elements = product(h.shape);
            if (elements < 0 || elements > MAX_ELEMENTS) {
                throw bad(path, "shape " + Arrays.toString(h.shape) + " has more elements than a Java array can hold");
            }
            long dataBytes = elements * itemSize;
            long available = size - prefix - headerLength;
            if (available < dataBytes) {
                throw bad(path, "truncated data: the header promises " + dataBytes + " bytes, the file holds " + available);
            }
            if (available > dataBytes) {
                throw bad(path, available - dataBytes + " bytes after the data the header describes");
            }
            ByteBuffer data = ByteBuffer.allocate((int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, data, path);
            data.flip();
            if (itemSize == 4) {
                float[] f = new float[(int) elements];
                data.asFloatBuffer().get(f);
                return new Array("f4", h.shape, f, null);
            }
            double[] d = new double[(int) elements];
            data.asDoubleBuffer().get(d);
            return new Array("f8", h.shape, null, d);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path path) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw bad(path, "truncated file");
        }
    }

    static long product(long[] shape) {
        long p = 1;
        for (long v : shape) {
            if (v != 0 && p > Long.MAX_VALUE / v) return -1;
            p *= v;
        }
        return p;
    }

    private static IOException bad(Path path, String what) {
        return new IOException(path + ": " + what);
    }

    /** Writes a float32 array atomically: the target is either untouched or complete. */
    public static void write(Path path, long[] shape, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        AtomicFile.write(path, header("<f4", shape), buf.array());
    }

    /** Writes a float64 array atomically: the target is either untouched or complete. */
    public static void write(Path path, long[] shape, double[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(data);
        AtomicFile.write(path, header("<f8", shape), buf.array());
    }

    /** Writes raw little-endian float32 values, no header (the shared benchmark's format), atomically. */
    static void writeRaw(Path path, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        AtomicFile.write(path, buf.array());
    }

    /** A version 1.0 header, padded with spaces so the data starts at a multiple of 64 bytes. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) dims.append(d).append(", ");
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** The three keys of an .npy header dictionary. */
    private record Header(String dtype, long[] shape) {
        static Header parse(String text, Path path) throws IOException {
            String s = text.strip();
            if (!s.startsWith("{") || !s.endsWith("}")) throw bad(path, "header is not a dictionary");
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            int i = 1;
            while (true) {
                i = skipSpaces(s, i);
                if (s.charAt(i) == '}') break;
                int keyEnd = quotedEnd(s, i, path);
                String key = s.substring(i + 1, keyEnd);
                i = skipSpaces(s, keyEnd + 1);
                if (s.charAt(i) != ':') throw bad(path, "malformed header near '" + key + "'");
                i = skipSpaces(s, i + 1);
                switch (key) {
                    case "descr" -> {
                        int end = quotedEnd(s, i, path);
                        descr = s.substring(i + 1, end);
                        i = end + 1;
                    }
                    case "fortran_order" -> {
                        if (s.startsWith("True", i)) { fortran = true; i += 4; }
                        else if (s.startsWith("False", i)) { fortran = false; i += 5; }
                        else throw bad(path, "fortran_order must be True or False");
                    }
                    case "shape" -> {
                        if (s.charAt(i) != '(') throw bad(path, "shape must be a tuple");
                        int end = s.indexOf(')', i);
                        if (end < 0) throw bad(path, "shape tuple is not closed");
                        shape = parseShape(s.substring(i + 1, end), path);
                        i = end + 1;
                    }
                    default -> throw bad(path, "unexpected header key '" + key + "'");
                }
                i = skipSpaces(s, i);
                if (s.charAt(i) == ',') i++;
                else if (s.charAt(i) != '}') throw bad(path, "malformed header after '" + key + "'");
            }
            if (descr == null || fortran == null || shape == null) throw bad(path, "header lacks descr, fortran_order or shape");
            if (fortran) throw bad(path, "Fortran-order arrays are not supported (save with C order)");
            String dtype = switch (descr) {
                case "<f4" -> "f4";
                case "<f8" -> "f8";
                case ">f4", ">f8" -> throw bad(path, "big-endian dtype '" + descr + "' is not supported (use '<f4' or '<f8')");
                default -> throw bad(path, "unsupported dtype '" + descr + "' (use float32 '<f4' or float64 '<f8')");
            };
            return new Header(dtype, shape);
        }

        private static int skipSpaces(String s, int i) throws IOException {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) throw new IOException("header ends early");
            return i;
        }

        private static int quotedEnd(String s, int i, Path path) throws IOException {
            char q = s.charAt(i);
            if (q != '\'' && q != '"') throw bad(path, "malformed header: expected a quoted string");
            int end = s.indexOf(q, i + 1);
            if (end < 0) throw bad(path, "malformed header: unclosed string");
            return end;
        }

        private static long[] parseShape(String body, Path path) throws IOException {
            List<Long> dims = new ArrayList<>();
            for (String part : body.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                try {
                    long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                    if (v < 0) throw bad(path, "negative dimension " + v + " in shape");
                    dims.add(v);
                } catch (NumberFormatException e) {
                    throw bad(path, "shape entry '" + p + "' is not an integer");
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
    }
}


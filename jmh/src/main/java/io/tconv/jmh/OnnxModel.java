package io.tconv.jmh;

import io.tconv.ConvTransposeSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A one-node ONNX model (opset 17) holding {@code Y = ConvTranspose(X, W)} for a spec, with W as an
 * initializer, encoded directly in protobuf's wire format (no ONNX library needed at benchmark time).
 * Field numbers are those of onnx.proto.
 */
final class OnnxModel {
    private OnnxModel() {}

    static byte[] convTranspose(ConvTransposeSpec spec, int batch, float[] weight) {
        int rank = spec.rank();
        long[] xShape = concat(new long[] {batch, spec.inChannels()}, spec.inputSize());
        long[] yShape = concat(new long[] {batch, spec.outChannels()}, spec.outputSize());
        long[] wShape = concat(new long[] {spec.inChannels(), spec.outChannelsPerGroup()}, spec.kernel());
        // The suite's specs come from PyTorch parameters: cropBegin = padding, cropEnd = padding - output_padding.
        long[] pads = new long[2 * rank], outputPadding = new long[rank];
        for (int a = 0; a < rank; a++) {
            pads[a] = spec.cropBegin()[a];
            pads[rank + a] = spec.cropBegin()[a];
            outputPadding[a] = spec.cropBegin()[a] - spec.cropEnd()[a];
        }
        Proto node = new Proto()
                .string(1, "X").string(1, "W").string(2, "Y").string(3, "deconv").string(4, "ConvTranspose")
                .message(5, intsAttribute("kernel_shape", toLong(spec.kernel())))
                .message(5, intsAttribute("strides", toLong(spec.stride())))
                .message(5, intsAttribute("dilations", toLong(spec.dilation())))
                .message(5, intsAttribute("pads", pads))
                .message(5, intsAttribute("output_padding", outputPadding))
                .message(5, new Proto().string(1, "group").varint(3, spec.groups()).varint(20, 2));   // INT
        ByteBuffer raw = ByteBuffer.allocate(weight.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(weight);
        Proto initializer = new Proto().varints(1, wShape).varint(2, 1).string(8, "W").bytes(9, raw.array());   // FLOAT
        Proto graph = new Proto().message(1, node).string(2, "tconv_peer").message(5, initializer)
                .message(11, valueInfo("X", xShape)).message(12, valueInfo("Y", yShape));
        return new Proto().varint(1, 8).message(8, new Proto().string(1, "").varint(2, 17))
                .string(2, "tconv-jmh").message(7, graph).toBytes();
    }

    private static Proto intsAttribute(String name, long[] values) {
        return new Proto().string(1, name).varints(8, values).varint(20, 7);   // INTS
    }

    private static Proto valueInfo(String name, long[] shape) {
        Proto dims = new Proto();
        for (long d : shape) dims.message(1, new Proto().varint(1, d));
        Proto tensor = new Proto().varint(1, 1).message(2, dims);   // elem_type FLOAT, shape
        return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
    }

    private static long[] concat(long[] head, int[] tail) {
        long[] r = new long[head.length + tail.length];
        System.arraycopy(head, 0, r, 0, head.length);
        for (int i = 0; i < tail.length; i++) r[head.length + i] = tail[i];
        return r;
    }

    private static long[] toLong(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i];
        return r;
    }

    /** A protobuf message under construction: fields appended in wire format. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        Proto varints(int field, long[] values) {
            for (long v : values) varint(field, v);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toBytes());
        }

        Proto bytes(int field, byte[] b) {
            tag(field, 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            raw(((long) field << 3) | wireType);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}

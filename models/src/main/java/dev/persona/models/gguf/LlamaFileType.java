package dev.persona.models.gguf;

import java.util.Optional;

/**
 * The quantization of a model as a whole, stored in {@code general.file_type} ({@code enum llama_ftype} in
 * llama.cpp's {@code include/llama.h}). The constant names are the usual labels, e.g. {@code Q4_K_M}.
 */
public enum LlamaFileType {
    F32(0),
    F16(1),
    Q4_0(2),
    Q4_1(3),
    Q4_1_SOME_F16(4),
    Q8_0(7),
    Q5_0(8),
    Q5_1(9),
    Q2_K(10),
    Q3_K_S(11),
    Q3_K_M(12),
    Q3_K_L(13),
    Q4_K_S(14),
    Q4_K_M(15),
    Q5_K_S(16),
    Q5_K_M(17),
    Q6_K(18),
    IQ2_XXS(19),
    IQ2_XS(20),
    Q2_K_S(21),
    IQ3_XS(22),
    IQ3_XXS(23),
    IQ1_S(24),
    IQ4_NL(25),
    IQ3_S(26),
    IQ3_M(27),
    IQ2_S(28),
    IQ2_M(29),
    IQ4_XS(30),
    IQ1_M(31),
    BF16(32),
    Q4_0_4_4(33),
    Q4_0_4_8(34),
    Q4_0_8_8(35),
    TQ1_0(36),
    TQ2_0(37),
    MXFP4_MOE(38),
    NVFP4(39),
    Q1_0(40),
    Q2_0(41);

    private final int id;

    LlamaFileType(int id) {
        this.id = id;
    }

    /** The number stored in {@code general.file_type}. */
    public int id() {
        return id;
    }

    /** The file type stored as {@code id}, if llama.cpp defines it. */
    public static Optional<LlamaFileType> byId(long id) {
        for (LlamaFileType type : values()) {
            if (type.id == id) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}

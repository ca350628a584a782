"""Zhang et al.'s "colorful image colorization" network (paper C, section 3)."""

from kcolor.backend import keras
from kcolor.models import blocks
from kcolor.quantize import gamut_bin_centers

# Zhang et al., figure 2 / released deploy prototxt: per block, the filters,
# the number of 3x3 convolutions, the stride of its last convolution (2 =
# halve, -2 = the first layer is a 4x4 transposed convolution that doubles)
# and the dilation.
COLORFUL_BLOCKS = (
    # filters, convs, resample, dilation
    (64, 2, 2, 1),  # conv1: 1/2
    (128, 2, 2, 1),  # conv2: 1/4
    (256, 3, 2, 1),  # conv3: 1/8
    (512, 3, 1, 1),  # conv4
    (512, 3, 1, 2),  # conv5: dilated ("a trous")
    (512, 3, 1, 2),  # conv6: dilated
    (512, 3, 1, 1),  # conv7
    (256, 3, -2, 1),  # conv8: back to 1/4
)
HEADS = ("classes", "regression")


def colorful(image_size, *, head="classes", num_classes=None, width=1.0, input_channels=1,
             seed=None):
    """Zhang et al.'s colorization CNN: paper C, section 3.1-3.2 and figure 2.

    Eight blocks ("conv1" ... "conv8") of two or three 3x3 convolutions, each
    followed by ReLU, and a batch normalisation layer at the end of the block;
    no pooling: blocks 1-3 halve the resolution with a stride-2 last
    convolution, blocks 5 and 6 use dilation 2, and block 8 opens with a 4x4
    transposed convolution (stride 2), so the features end at 1/4 of the input
    resolution (64x64 for a 256x256 input). Widths 64, 128, 256, 512, 512,
    512, 512, 256 times ``width``.

    Heads (applied at 1/4 resolution, then bilinearly upsampled by 4 so that
    every kcolor model maps an (S, S, 1) ``L`` to an (S, S, ...) output):

    * ``"classes"``: a 1x1 convolution to ``num_classes`` logits, one per
      in-gamut ab bin (Zhang et al. count 313; ``kcolor.quantize.GamutBins()``
      computes 261 with the same 10-unit grid, and is the default). Output: **logits** of shape
      ``(S, S, num_classes)``, no softmax; a classification colorizer applies
      the (rebalanced) cross-entropy and the annealed-mean decoding. Zhang
      et al. upsample the decoded ab; upsampling the logits first is our
      choice so the loss is computed at the data's full resolution.
    * ``"regression"``: a 1x1 convolution to 2 channels and tanh, as paper C,
      section 3.2, uses it with L1 / L2 losses and inside a GAN. Output:
      normalised ab of shape ``(S, S, 2)``.

    Args:
        image_size: int, height and width of the (square) input; divisible by
            8 (three stride-2 blocks).
        head: ``"classes"`` or ``"regression"``.
        num_classes: int, number of ab classes for ``head="classes"``;
            None (default) means ``kcolor.quantize.GamutBins().num_classes``,
            so the network matches the default bins.
        width: float, multiplies every filter count.
        input_channels: int, channels of the grey input.
        seed: optional int for reproducible initial weights.

    Returns:
        A functional ``keras.Model`` named ``"colorful"``, input ``"L"`` of
        shape ``(S, S, input_channels)``. At width 1 (any image size):
        32,241,401 parameters with a 313-class head, 32,161,474 with the
        regression head.

    Example:
    >>> model = colorful(64, head="regression", width=0.125)
    >>> model.output_shape
    (None, 64, 64, 2)

    Reference:
        Zhang, Isola and Efros, "Colorful Image Colorization", ECCV 2016,
        figure 2 and section 3, as adopted in paper C, sections 3.1 (model)
        and 3.2 (regression variant).
    """
    name = "colorful"
    image_size = blocks.check_image_size(image_size, name)
    blocks.check_divisible(image_size, 8, name, "blocks 1-3 halve the resolution three times")
    head = blocks.check_choice(head, f"{name}: head", HEADS)
    if num_classes is None:
        num_classes = len(gamut_bin_centers(10))
    num_classes = blocks.check_int(num_classes, f"{name}: num_classes", minimum=2)
    width = blocks.check_positive(width, f"{name}: width")
    input_channels = blocks.check_int(input_channels, f"{name}: input_channels")

    init = keras.initializers.HeNormal(seed)
    inputs = keras.Input((image_size, image_size, input_channels), name="L")
    x = inputs
    for b, (filters, convs, resample, dilation) in enumerate(COLORFUL_BLOCKS, start=1):
        filters = blocks.scale_filters(filters, width)
        for c in range(1, convs + 1):
            layer_name = f"conv{b}_{c}"
            if resample == -2 and c == 1:
                x = keras.layers.Conv2DTranspose(
                    filters, 4, strides=2, padding="same", kernel_initializer=init,
                    name=layer_name,
                )(x)
            else:
                strides = resample if (resample > 1 and c == convs) else 1
                x = keras.layers.Conv2D(
                    filters, 3, strides=strides, padding="same", dilation_rate=dilation,
                    kernel_initializer=init, name=layer_name,
                )(x)
            x = keras.layers.ReLU(name=f"relu{b}_{c}")(x)
        x = blocks.batch_norm(name=f"conv{b}_norm")(x)

    out_channels = num_classes if head == "classes" else 2
    x = keras.layers.Conv2D(out_channels, 1, kernel_initializer=init,
                            dtype="float32", name="class_logits" if head == "classes" else "ab")(x)
    x = keras.layers.UpSampling2D(4, interpolation="bilinear", dtype="float32", name="upsample")(x)
    if head == "regression":
        x = keras.layers.Activation("tanh", dtype="float32", name="ab_tanh")(x)
    return keras.Model(inputs, x, name=name)

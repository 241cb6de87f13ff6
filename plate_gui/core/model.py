"""The ResNet50 definition (torch; imported by the trainer and export only).

The app never imports this module: it runs the exported ONNX graph. torchvision's
``resnet50`` is kept as it is except for the first convolution, which takes one
gray channel. At 32x32 the stock stem (stride-2 conv and max-pool) leaves a 1x1
map after the last stage; a stride-1 stem was measured 2x slower to train on
this 2-core CPU (150 vs 78 images/s) for a 4x larger compute bill at inference.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .charset import NUM_CLASSES


@dataclass(frozen=True)
class ModelConfig:
    """Architecture arguments, stored in checkpoints and the weights' metadata."""

    arch: str = "resnet50"
    num_classes: int = NUM_CLASSES
    in_channels: int = 1

    def __post_init__(self) -> None:
        if self.arch != "resnet50":
            raise ValueError(f"unknown architecture {self.arch!r}")
        if self.num_classes < 2 or self.in_channels not in (1, 3):
            raise ValueError(f"bad model config {asdict(self)}")


def build_model(config: ModelConfig = ModelConfig()):
    """Build the torch model (random weights; nothing is downloaded).

    Returns:
        ``torch.nn.Module`` mapping ``Nx1xSxS`` to ``NxC`` logits.
    """
    from torch import nn
    from torchvision.models import resnet50

    model = resnet50(weights=None, num_classes=config.num_classes)
    model.conv1 = nn.Conv2d(config.in_channels, 64, kernel_size=7, stride=2, padding=3,
                            bias=False)
    return model


LOOKALIKE_ARCH = "lookalike-cnn"


def build_lookalike_model(num_classes: int):
    """The look-alike model (``lookalikes``): a small VGG-style CNN, three blocks of
    two 3x3 convolutions (32, 64, 128 channels) with batch norm and 2x2 pooling, then
    dropout and one linear layer. At 32x32 it has 0.3 M parameters (ResNet50: 23.5 M).

    Returns:
        ``torch.nn.Module`` mapping ``Nx1x32x32`` to ``Nxnum_classes`` logits.
    """
    from torch import nn

    def block(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True)]

    return nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2),
                         *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                         *block(64, 128), *block(128, 128), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 4 * 4, num_classes))

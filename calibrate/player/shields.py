"""Wellness shields applied to a frame at paint time: grayscale and blur (QImage only).

Mute is not here: it goes through VideoPlayer.set_muted. Both shields work on a copy and
cost about a millisecond at 640x360, so they can run on every frame (see the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

# The blurred picture is rebuilt from a copy this many pixels wide: shapes and colours
# stay readable, faces and details do not.
BLUR_CELLS = 24


@dataclass(frozen=True)
class Shields:
    """Which shields are on (a warned case starts with all of them)."""

    grayscale: bool = False
    blurred: bool = False
    muted: bool = False

    @property
    def any_visual(self) -> bool:
        """True when the picture itself is changed."""
        return self.grayscale or self.blurred


def to_grayscale(image: QImage) -> QImage:
    """The image in shades of gray (as RGB32, so it paints and compares like the original)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return gray.convertToFormat(QImage.Format.Format_RGB32)


def blurred(image: QImage, size: QSize | None = None, cells: int = BLUR_CELLS) -> QImage:
    """A heavily blurred image at `size` (default: the image's own size).

    Scaling down to a few dozen pixels and back up with smooth filtering is a cheap, strong
    blur; going through an intermediate size keeps it free of blocky steps.
    """
    target = size if size is not None and not size.isEmpty() else image.size()
    if image.isNull() or target.isEmpty():
        return QImage(image)
    width = max(2, cells)
    height = max(2, round(cells * image.height() / max(1, image.width())))
    smooth = Qt.TransformationMode.SmoothTransformation
    ignore = Qt.AspectRatioMode.IgnoreAspectRatio
    tiny = image.scaled(width * 4, height * 4, ignore, smooth).scaled(width, height, ignore, smooth)
    middle = tiny.scaled(width * 4, height * 4, ignore, smooth)
    return middle.scaled(target, ignore, smooth)


def apply_shields(image: QImage, shields: Shields, size: QSize | None = None) -> QImage:
    """The frame as the moderator should see it; blurred output comes at `size` if given.

    Grayscale goes first, at the source size, where it is cheapest.
    """
    if image.isNull():
        return image
    out = to_grayscale(image) if shields.grayscale else image
    return blurred(out, size) if shields.blurred else out

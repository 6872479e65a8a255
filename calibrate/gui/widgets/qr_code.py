"""A join code as a QR code (segno makes the matrix; Qt paints it: no network, no files)."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_pixmap(text: str, size: int) -> QPixmap:
    """`text` as a QR code about `size` pixels square: black on white whatever the theme
    (a phone's camera reads dark modules on a light ground)."""
    code = segno.make(text, error="m", micro=False)
    matrix = code.matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    image = QImage(modules, modules, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + QUIET_ZONE, y + QUIET_ZONE, black)
    scale = max(1, size // modules)  # whole pixels per module: sharp edges
    return QPixmap.fromImage(
        image.scaled(
            modules * scale, modules * scale, mode=Qt.TransformationMode.FastTransformation
        )
    )


class QrLabel(QLabel):
    """Shows one text as a QR code; empty until `show_code`."""

    def __init__(self, size: int, parent: QWidget | None = None, name: str = "qrCode"):
        super().__init__(parent)
        self.setObjectName(name)
        self._size = size
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(size, size)
        self.code = ""

    def show_code(self, text: str) -> None:
        self.code = text
        if text:
            self.setPixmap(qr_pixmap(text, self._size))
            self.setAccessibleName("The join code as a QR code")
        else:
            self.clear()

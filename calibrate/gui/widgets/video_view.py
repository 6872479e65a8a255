"""VideoView: paints the player's latest frame letterboxed, shields applied, state overlays.

The view is passive: PlayerPanel (or any owner) calls set_frame / set_state / set_shields.
The picture area is black in light and dark themes alike (it is a screen, not a panel);
overlay text sits on a dark plate so it stays readable over any frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from calibrate.player.playback import PlayerState
from calibrate.player.shields import Shields, apply_shields

UNAVAILABLE_TITLE = "Video unavailable — you can still answer this case"
# A load shorter than this never shows "Loading…": no flash on fast local files.
LOADING_OVERLAY_DELAY_MS = 300


def letterbox(frame: QSize, area: QRect) -> QRect:
    """The largest rect of frame's aspect ratio centred in area."""
    if frame.isEmpty() or area.isEmpty():
        return QRect()
    scaled = frame.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = area.x() + (area.width() - scaled.width()) // 2
    y = area.y() + (area.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


class VideoView(QWidget):
    """Shows one video frame at a time, with loading/unavailable/ended overlays."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoView")
        self.setAccessibleName("Case video")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._frame = QImage()
        self._state = PlayerState.EMPTY
        self._reason = ""
        self._shields = Shields()
        self._cache: tuple[tuple[int, QSize, Shields], QImage] | None = None
        self._loading_visible = False
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(LOADING_OVERLAY_DELAY_MS)
        self._loading_timer.timeout.connect(self._on_loading_timer_timeout)
        self.frames_painted = 0  # paints that drew a video frame (tests, benchmark)
        self._update_description()

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    @property
    def frame(self) -> QImage:
        return self._frame

    @property
    def shields(self) -> Shields:
        return self._shields

    def set_frame(self, image: QImage) -> None:
        """Show this frame next paint (a null image clears the picture)."""
        self._frame = image
        self.update()

    def set_state(self, state: PlayerState, reason: str = "") -> None:
        """Follow the player's state; the overlay text comes from it."""
        self._state, self._reason = state, reason
        self._loading_visible = False
        if state is PlayerState.LOADING:
            self._loading_timer.start()
        else:
            self._loading_timer.stop()
        self._update_description()
        self.update()

    def set_shields(self, shields: Shields) -> None:
        """Grayscale/blur the picture from the next paint on."""
        if shields != self._shields:
            self._shields = shields
            self._update_description()
            self.update()

    def overlay_text(self) -> str:
        """The text drawn over the picture now ("" when none) - also read by tests."""
        if self._state is PlayerState.UNAVAILABLE:
            return f"{UNAVAILABLE_TITLE}\n{self._reason}".strip()
        if self._state is PlayerState.LOADING and self._loading_visible:
            return "Loading video…"
        if self._state is PlayerState.ENDED:
            return "Ended — press Space to watch again"
        if self._state is PlayerState.EMPTY:
            return "No video"
        return ""

    def picture_rect(self) -> QRect:
        """Where the frame is drawn (letterboxed), empty when there is no frame."""
        return letterbox(self._frame.size(), self.rect())

    def _on_loading_timer_timeout(self) -> None:
        if self._state is PlayerState.LOADING:
            self._loading_visible = True
            self.update()

    def _update_description(self) -> None:
        parts = [self.overlay_text().replace("\n", ". ") or self._state.value.capitalize()]
        on = [name for name in ("grayscale", "blurred") if getattr(self._shields, name)]
        if on:
            parts.append("Shields on: " + ", ".join(on))
        self.setAccessibleDescription(". ".join(parts))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._cache = None
        super().resizeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        target = self.picture_rect()
        if self._state is not PlayerState.UNAVAILABLE and not target.isEmpty():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._shielded(target.size()))
            self.frames_painted += 1
            if self._shields.any_visual:
                self._paint_badge(painter)
        text = self.overlay_text()
        if text:
            self._paint_overlay(painter, text)
        painter.end()

    def _shielded(self, size: QSize) -> QImage:
        """The frame with shields applied, cached per frame, size and shield set."""
        if not self._shields.any_visual:
            return self._frame
        key = (self._frame.cacheKey(), size, self._shields)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, apply_shields(self._frame, self._shields, size))
        return self._cache[1]

    def _plate_font(self, scale: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        base = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(max(base, base * scale))
        font.setBold(bold)
        return font

    def _paint_overlay(self, painter: QPainter, text: str) -> None:
        title, _, detail = text.partition("\n")
        area = self.rect().adjusted(24, 24, -24, -24)
        width = min(area.width(), 560)
        painter.setFont(self._plate_font(1.25, bold=True))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        title_box = painter.boundingRect(QRect(0, 0, width - 32, 10_000), flags, title)
        detail_box = QRect()
        if detail:
            painter.setFont(self._plate_font(1.0))
            detail_box = painter.boundingRect(QRect(0, 0, width - 32, 10_000), flags, detail)
        height = title_box.height() + (detail_box.height() + 8 if detail else 0) + 28
        plate = QRect(0, 0, width, min(height, area.height()))
        plate.moveCenter(area.center())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawRoundedRect(QRectF(plate), 8, 8)
        painter.setPen(QColor("white"))
        inner = plate.adjusted(16, 14, -16, -14)
        painter.setFont(self._plate_font(1.25, bold=True))
        painter.drawText(inner, flags | Qt.AlignmentFlag.AlignTop, title)
        if detail:
            painter.setFont(self._plate_font(1.0))
            painter.setPen(QColor(225, 225, 225))
            below = inner.adjusted(0, title_box.height() + 8, 0, 0)
            painter.drawText(below, flags | Qt.AlignmentFlag.AlignTop, detail)

    def _paint_badge(self, painter: QPainter) -> None:
        on = [name for name in ("grayscale", "blurred") if getattr(self._shields, name)]
        text = "Shielded: " + " + ".join(on)
        painter.setFont(self._plate_font(0.9))
        box = painter.boundingRect(QRect(0, 0, 400, 40), Qt.AlignmentFlag.AlignLeft, text)
        plate = box.adjusted(-8, -4, 8, 4)
        plate.moveTopLeft(self.picture_rect().topLeft())
        plate.translate(8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(QRectF(plate), 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(plate, Qt.AlignmentFlag.AlignCenter, text)

"""The host console's room, in the app's own Qt event loop: opened through net/hosting.py
(the wiring `calibrate room host` uses), the room's key and pack made off the GUI thread,
then paced by hand (core/live/pacing.py). Nothing here blocks the screen: the server
answers participants between the screen's events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from calibrate.core.live import narration
from calibrate.core.live.pacing import HandPacedRoom
from calibrate.core.live.room import Timing
from calibrate.gui.tasks import TaskRunner
from calibrate.net import hosting
from calibrate.net.loop import advertised_address
from calibrate.net.tls import import_crypto
from calibrate.workspace.rooms import HostedRoom, RoomError, RosterEntry

if TYPE_CHECKING:
    from calibrate.core.models import Lesson, Pack
    from calibrate.gui.context import AppContext

LOCAL_ONLY = "127.0.0.1"
EVERY_NETWORK = "0.0.0.0"


class LiveHost(QObject):
    """One room at a time: `open`, then the controls; `changed` after every frame batch (a
    join, an answer, a step), `told` one line per event (narration: counts and names
    only), `ended` once the room's `end` went out and its server closed."""

    opened = Signal()
    failed = Signal(str)
    changed = Signal()
    told = Signal(str)
    ended = Signal()

    def __init__(self, context: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = TaskRunner(self)
        self.room: HandPacedRoom | None = None
        self.hosted: HostedRoom | None = None
        self.listening: hosting.Listening | None = None
        self.code = ""
        self.address = ""
        self._closed = False

    # --- before the room opens -------------------------------------------------------------
    def unfinished(self, pack: Pack, lesson: Lesson) -> tuple[str, bool]:
        """A sentence about the lesson's unfinished room ('' when there is none), and
        whether Open resumes it."""
        try:
            hosted = self.context.rooms.open(pack, lesson, LOCAL_ONLY)
        except RoomError as error:
            return f"{error}: only a new room can be started.", False
        if not hosted.resumed:
            return "", False
        steps = [("slide", s) for s in lesson.guidance] + [("case", c) for c in lesson.case_ids]
        where = narration.resumed(steps, hosted.position.step).replace("resumed ", "")
        return (
            f"This lesson has an unfinished room ({where}, on {hosted.bind} port "
            f"{hosted.port}): Open resumes it with the same join code."
        ), True

    def open(self, pack: Pack, lesson: Lesson, bind: str, *, new_room: bool) -> None:
        """Resume the lesson's unfinished room (at its own address), or open a new one at
        `bind` (`new_room`: even when one is unfinished; its answers are kept)."""
        if self.listening is not None or self.runner.busy:
            return
        try:
            hosted = self.context.rooms.open(pack, lesson, bind, new_room=new_room)
        except RoomError as error:
            self.failed.emit(f"{error}; or start a new room")
            return
        self.hosted, self.address = hosted, advertised_address(hosted.bind)
        db, address = self.context.db_path, self.address
        import_crypto()  # on this thread, before the worker makes the key (tls.py says why)
        self.runner.run(
            "open",
            lambda: hosting.prepare(db, hosted, address, pack, lesson),
            lambda prepared: self._listen(prepared, pack, lesson),
            lambda error: self.failed.emit(str(error)),
        )

    def _listen(self, prepared: hosting.Prepared, pack: Pack, lesson: Lesson) -> None:
        hosted = self.hosted
        assert hosted is not None
        if self._closed:  # the console closed while the room's files were being made
            hosting.forget(hosted, prepared.folder)
            return
        try:
            listening = hosting.listen(self.context.rooms, hosted, prepared, 0, self)
        except hosting.HostingRefused as error:
            tail = "; free that port, or start a new room" if error.port_taken else ""
            self.failed.emit(f"{error}{tail}")
            return
        room = self.context.rooms.host(
            hosted, pack, lesson, listening.secret, Timing(), offer=listening.offer, by_hand=True
        )
        assert isinstance(room, HandPacedRoom)
        room.tell = self.told.emit
        self.room, self.listening = room, listening
        self.code = listening.join_code(self.address)
        listening.server.changed.connect(self.changed)
        listening.server.ended.connect(self._on_server_ended)
        listening.server.run(room, listening.pack_file)
        self.opened.emit()
        self.changed.emit()

    # --- the controls --------------------------------------------------------------------
    def control(self, name: str, *args: Any) -> None:
        """next, back_to (a step), lock, reveal, end: run on the room, its frames sent."""
        room, listening = self.room, self.listening
        if room is None or listening is None:
            return
        method = getattr(room, name)
        listening.server.act(lambda now: method(*args, now))

    def set_timer(self, seconds: float | None) -> None:
        if self.room is not None and self.listening is not None:
            room = self.room
            self.listening.server.act(lambda now: room.set_timer(seconds, now) or [])

    def remove(self, profile_id: str) -> None:
        room, listening = self.room, self.listening
        if room is not None and listening is not None:
            listening.server.act(lambda _now: self.context.rooms.remove(room, profile_id))

    def let_rejoin(self, profile_id: str) -> None:
        if self.room is not None:
            self.context.rooms.let_rejoin(self.room, profile_id)
            self.changed.emit()

    def close_joins(self) -> None:
        if self.room is not None:
            self.context.rooms.close_joins(self.room)
            self.told.emit("closed to new participants")
            self.changed.emit()

    def roster(self) -> list[RosterEntry]:
        return self.context.rooms.roster(self.room) if self.room is not None else []

    # --- the end ---------------------------------------------------------------------------
    def _on_server_ended(self) -> None:
        self.stop()
        self.ended.emit()

    def stop(self) -> None:
        """Close the server (a killed or closed console: the room resumes next time)."""
        if self.listening is not None:
            self.listening.server.close()
            self.listening.server.deleteLater()
        self.listening = None

    def shutdown(self) -> None:
        self._closed = True
        self.runner.wait()
        self.stop()

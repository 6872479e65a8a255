"""A room the trainer paces by hand (the host console): nothing moves on by itself.

Next opens the next step; a case stays open until the trainer locks it (or, if they set
one, the answer timer runs out), and its reveal goes out only when they say so, after the
lock. A guidance slide already shown can be shown again to discuss it (`back_to`): that is
not saved as the room's position, so Next — or a resumed host — goes on from the furthest
step. The timed room (`calibrate room host`, room.py) is unchanged.
"""

from __future__ import annotations

from typing import Literal

from calibrate.core.live import narration
from calibrate.core.live.messages import Message
from calibrate.core.live.room import Room
from calibrate.core.live.room_types import Outgoing, RoomPosition

Control = Literal["next", "back", "lock", "reveal", "end"]


class HandPacedRoom(Room):
    """`answer_timer`: seconds a case stays open before it locks by itself (None: until the
    trainer locks it); `showing`: the step of a slide shown again, if one is."""

    answer_timer: float | None = None
    showing: int | None = None

    # --- what the trainer may do now -------------------------------------------------------
    def available(self) -> set[Control]:
        phase = self.position.phase
        if phase == "ended":
            return set()
        can: set[Control] = {"end"}
        if phase in ("waiting", "slide", "revealed"):
            can.add("next")
        if phase in ("slide", "revealed") and self.slides_shown():
            can.add("back")
        if phase == "open":
            can.add("lock")
        if phase == "locked":
            can.add("reveal")
        return can

    def slides_shown(self) -> list[int]:
        """The steps of the guidance slides already shown (Back to slide offers these)."""
        return [
            step
            for step, (kind, _) in enumerate(self.steps)
            if kind == "slide" and step < self.position.step and step != self.showing
        ]

    # --- the trainer's controls --------------------------------------------------------------
    def next(self, now: float) -> list[Outgoing]:
        """Start the room, or open the step after the furthest one (a slide shown again is
        left)."""
        if "next" not in self.available():
            return []
        self.showing = None
        if self.position.phase == "waiting":
            return self._start(now)
        return self._enter(self.position.step + 1, now)

    def back_to(self, step: int, now: float) -> list[Outgoing]:
        """Show an already shown guidance slide again, to everyone (not saved)."""
        if "back" not in self.available() or step not in self.slides_shown():
            return []
        self.showing = step
        self.tell(f"{narration.step_label(self.steps, step)} shown again")
        return [Outgoing(None, self._step_message(step, now))]

    def lock(self, now: float) -> list[Outgoing]:
        """No more answers to the open case; the reveal waits for `reveal`."""
        if "lock" not in self.available():
            return []
        self.deadline = None
        return self._close_answers()

    def reveal(self, now: float) -> list[Outgoing]:
        if "reveal" not in self.available():
            return []
        return self._reveal(0.0)

    def end(self, now: float) -> list[Outgoing]:
        """End the room now (answers recorded so far are kept; an open case closes)."""
        if "end" not in self.available():
            return []
        self.showing = None
        return self._end()

    def set_timer(self, seconds: float | None, now: float) -> None:
        """An answer timer for the cases opened from now on, and the open one (from now)."""
        self.answer_timer = seconds if seconds and seconds > 0 else None
        if self.position.phase == "open":
            self.deadline = None if self.answer_timer is None else now + self.answer_timer

    # --- the room's hooks ---------------------------------------------------------------------
    def tick(self, now: float) -> list[Outgoing]:
        """Only the answer timer moves the room: it locks the open case (no reveal)."""
        if self.position.phase == "open" and self.deadline is not None and now >= self.deadline:
            return self.lock(now)
        return []

    def _maybe_lock(self, now: float) -> list[Outgoing]:
        return []  # everyone answered: the console shows it, the trainer locks

    def _deadline_for(self, kind: str, now: float) -> float | None:
        if kind == "case" and self.answer_timer is not None:
            return now + self.answer_timer
        return None

    def _resume_at(self, resume: RoomPosition, now: float) -> list[Outgoing]:
        """Back where the database says: a locked case stays locked until the trainer
        reveals it; a revealed one is revealed again."""
        if resume.phase not in ("locked", "revealed"):
            return self._enter(resume.step, now)
        self.position = RoomPosition(resume.step, "open")
        out = self._close_answers()
        return out + self._reveal(0.0) if resume.phase == "revealed" else out

    def _showing(self, now: float) -> list[Message]:
        if self.showing is not None:
            return [self._step_message(self.showing, now)]
        return super()._showing(now)

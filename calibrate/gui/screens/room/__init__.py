"""Live rooms on a moderator's screen: the join dialog, the room's steps in the lesson
screens' room mode, and the waiting screen between them (docs/live-rooms.md)."""

"""Live rooms, Qt-free: the protocol's messages, the join code and the room's state machine."""

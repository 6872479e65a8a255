"""Live-room transport: TLS WebSockets in Qt's event loop (QtCore, QtNetwork, QtWebSockets).

No widgets and no store: the host drives a core `Room` (ws.rooms builds it over the
database), a participant hands what it receives to its caller. docs/live-protocol.md.
"""

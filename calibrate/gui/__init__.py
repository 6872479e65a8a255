"""Qt screens and widgets (PySide6): render state and forward intent; no rules here."""

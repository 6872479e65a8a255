"""Pure rules of Calibrate: no Qt, no SQL, no libVLC (a test keeps it so)."""

"""Taking a lesson: guidance slides, blind cases, reveals and the summary, driven by core flow."""

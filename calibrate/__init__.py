"""Calibrate: calibration lessons, reveals and agreement metrics for Trust & Safety teams."""

__version__ = "0.1.0"

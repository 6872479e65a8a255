"""Headless commands, one module each; `calibrate.cli` wires them into argparse.

Each module defines `register(subparsers)` (adds its parser and sets `run=`) and
`run(args) -> int` (the exit code). Heavy imports stay inside `run` to keep start-up lean.
"""

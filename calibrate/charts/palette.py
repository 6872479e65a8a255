"""Colours every chart uses: Okabe-Ito, safe for the common forms of colour blindness."""

GOLDEN = "#009E73"  # bluish green: the intended answer
CHOSEN_WRONG = "#D55E00"  # vermillion: your answer, when it differs
OTHER = "#9AA5B1"  # grey: the rest of the room
ACCENT = "#0072B2"
TEXT_LIGHT = "#1b1d21"
TEXT_DARK = "#e8e8e8"

# The dashboard's charts: Okabe-Ito, in the order series take them (black is kept for
# "everyone" and targets).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
BELOW = "#D55E00"  # vermillion: below target, over-enforcement
ABOVE = "#0072B2"  # blue: at or above target
UNDER = "#56B4E9"  # sky blue: under-enforcement

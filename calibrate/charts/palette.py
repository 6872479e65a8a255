"""Colours every chart uses: Okabe-Ito, safe for the common forms of colour blindness."""

GOLDEN = "#009E73"  # bluish green: the intended answer
CHOSEN_WRONG = "#D55E00"  # vermillion: your answer, when it differs
OTHER = "#9AA5B1"  # grey: the rest of the room
ACCENT = "#0072B2"
TEXT_LIGHT = "#1b1d21"
TEXT_DARK = "#e8e8e8"

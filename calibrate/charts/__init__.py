"""matplotlib Figures from core results, without Qt: the app and the PDF report share them."""

import matplotlib

# Pack and user text (decision labels, titles, names) is drawn as written: with math parsing
# on, a pair of "$" in it is typeset as a formula, and a malformed one stops the chart drawing.
matplotlib.rcParams["text.parse_math"] = False

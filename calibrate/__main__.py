"""`python -m calibrate` is the `calibrate` console script."""

import sys

from calibrate.cli import main

sys.exit(main())

"""``python -m nextword`` (and ``torchrun -m nextword train ...``)."""

import sys

from .cli import main

sys.exit(main())

"""``python -m nextword`` (and ``torchrun -m nextword train ...``)."""

import sys

from nextword.cli import main

sys.exit(main())

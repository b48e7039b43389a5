from __future__ import annotations

import sys

from compendium.cli import main

sys.exit(main())

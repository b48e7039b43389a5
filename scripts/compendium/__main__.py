from __future__ import annotations

import sys

from compendium.cli.main import main

sys.exit(main())

"""`python -m bot` is the `earshot` command."""

import sys

from bot.cli import main

sys.exit(main())

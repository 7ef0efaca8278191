"""``python -m skytells.emulator``: run the emulator in the foreground."""

from skytells.emulator.server import main

raise SystemExit(main())

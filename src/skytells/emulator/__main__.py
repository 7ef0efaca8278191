"""``python -m skytells.emulator``: run the emulator in the foreground."""

from skytells.emulator.cli import main

raise SystemExit(main())

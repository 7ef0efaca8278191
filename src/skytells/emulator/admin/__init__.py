"""The emulator-wide admin API under ``/_emulator/``: health, reset, accounts, outcomes, time."""

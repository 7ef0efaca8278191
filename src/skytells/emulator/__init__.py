"""A local emulator of the Skytells REST API (``pip install 'skytells[emulator]'``).

>>> from skytells.emulator import EmulatorConfig, EmulatorServer
>>> with EmulatorServer(EmulatorConfig(speed=20.0)) as emu:
...     client = SkytellsClient(api_key="sk-test-local", base_url=emu.base_url)
...     client.run("truefusion-pro", input={"prompt": "A lake"}).outputs()

See docs/emulator.md for the admin API, test outcomes, time control and persistence.
"""

from skytells.emulator.app import create_app
from skytells.emulator.cli import main
from skytells.emulator.config import EmulatorConfig
from skytells.emulator.server import EmulatorServer, serve

__all__ = ["EmulatorConfig", "EmulatorServer", "create_app", "main", "serve"]

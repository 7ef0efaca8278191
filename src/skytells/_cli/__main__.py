"""``python -m skytells._cli``: the same as the ``skytells`` command."""

from . import main

main()

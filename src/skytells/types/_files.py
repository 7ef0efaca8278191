"""The file values a model input takes besides URLs: sent as ``data:`` URIs."""

from __future__ import annotations

import os
from typing import IO, Union

#: A local file for a file or URI input (an image, audio or video): a path object, the file's bytes,
#: or a binary file object (anything whose ``read()`` gives bytes). A plain ``str`` is not read: it may
#: be a URL or a prompt, and is sent as it is.
FileInput = Union["os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

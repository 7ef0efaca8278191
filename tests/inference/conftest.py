"""The Inference API behaviour suite runs on the `sdk` harness of tests/client (sync, then async,
against the session emulator over HTTP); see tests/client/conftest.py."""

from tests.client.conftest import chat_model, sdk, sleeps

__all__ = ["chat_model", "sdk", "sleeps"]

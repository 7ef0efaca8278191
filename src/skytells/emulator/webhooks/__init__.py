"""Webhooks of the emulated API: what a create may ask for, signing, and delivery.

``options`` reads a create's ``webhook`` option and the event names it may list, ``signing`` makes
both signatures (``X-Skytells-Signature`` and Standard Webhooks), ``dispatcher`` delivers with
retries and keeps the delivery log, and ``routes`` serves the account's signing secret and the
``/_emulator/webhooks/*`` admin routes.
"""

"""Per-key rate limits for the emulated ``/v1`` API.

Each API key may make ``limit`` requests in any rolling ``window`` seconds. Every answer to a keyed
``/v1`` request carries the ``x-skytells-ratelimit-*`` headers; a request over the limit gets
429 ``RATE_LIMIT_EXCEEDED`` with ``Retry-After`` (whole seconds until a slot frees up) and never
reaches the app. Requests without a key pass through untouched (the app answers 401).

``limiter`` counts (`RateLimiter`), ``middleware`` applies the limit to requests
(`RateLimitMiddleware`) and ``routes`` serves ``/_emulator/ratelimit``.

Keys are kept only as SHA-256 digests and never logged.
"""

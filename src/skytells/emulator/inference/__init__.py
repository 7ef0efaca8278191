"""The Inference API of the emulator: OpenAI-compatible chat completions, responses and embeddings.

=====================================  ===============================================
``POST /v1/chat/completions``          `chat`: Chat Completions (JSON or SSE chunks)
``POST /v1/responses``                 `responses`: the Responses API (JSON or SSE events)
``GET/DELETE /v1/responses/{id}``      a stored response
``POST /v1/embeddings``                `embeddings`: deterministic unit vectors
=====================================  ===============================================

`routes.inference_routes()` mounts them; `openapi.fragment()` describes them. Answers are made up
but deterministic (`text`), marked as emulator output, and checked like real ones: the same keys,
accounts, credits, rate limits and faults as the prediction routes, with errors in the OpenAI shape
(`errors`). This package's ``__init__`` imports nothing, so ``skytells.emulator.errors`` can import
`errors` without a cycle.
"""

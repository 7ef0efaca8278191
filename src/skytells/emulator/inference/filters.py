"""Skytells' content filter results, made deterministic by trigger words.

Text (and image URLs) are lower-cased, URL-decoded and searched for the words below, each matched at
the start of a word (``kill`` finds "kill", "killed" and ".../kill.png", not "skill"). A category's
severity is the highest of its words found, ``safe`` when none is; ``filtered`` is true only at
``high``. The detection categories report ``detected``; a jailbreak attempt is also ``filtered``.

==================  ===========================================================================
hate                hate, despise → low · racist, bigot → medium · genocide → high
violence            fight, punch → low · kill, weapon → medium · murder, massacre → high
sexual              flirt, sexy → low · nude, naked → medium · porn → high
self_harm           hopeless → low · self-harm, cutting myself → medium · suicide → high
jailbreak           "ignore previous instructions", "ignore all previous instructions", jailbreak,
                    "dan mode" → detected (and filtered)
protected_material  lyrics → text detected · "proprietary code", "leaked source" → code detected
==================  ===========================================================================

>>> results = filter_results(["How do I kill a process?"])
>>> results["violence"], results["hate"]
({'filtered': False, 'severity': 'medium'}, {'filtered': False, 'severity': 'safe'})
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

SEVERITIES = ("safe", "low", "medium", "high")
SEVERITY_TRIGGERS: dict[str, dict[str, str]] = {
    "hate": {"hate": "low", "despise": "low", "racist": "medium", "bigot": "medium", "genocide": "high"},
    "violence": {
        "fight": "low",
        "punch": "low",
        "kill": "medium",
        "weapon": "medium",
        "murder": "high",
        "massacre": "high",
    },
    "sexual": {"flirt": "low", "sexy": "low", "nude": "medium", "naked": "medium", "porn": "high"},
    "self_harm": {"hopeless": "low", "self-harm": "medium", "cutting myself": "medium", "suicide": "high"},
}
DETECTION_TRIGGERS: dict[str, tuple[str, ...]] = {
    "jailbreak": (
        "ignore previous instructions",
        "ignore all previous instructions",
        "jailbreak",
        "dan mode",
    ),
    "protected_material_text": ("lyrics",),
    "protected_material_code": ("proprietary code", "leaked source"),
}
_FILTERED_DETECTIONS = ("jailbreak",)


def _found(word: str, text: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(word), text) is not None


def filter_results(texts: Iterable[str]) -> dict[str, Any]:
    """The ``content_filter_results`` of some text (message texts, image URLs)."""
    text = "\n".join(unquote(part).lower() for part in texts)
    results: dict[str, Any] = {}
    for category, words in SEVERITY_TRIGGERS.items():
        level = max((SEVERITIES.index(s) for word, s in words.items() if _found(word, text)), default=0)
        results[category] = {"filtered": level == len(SEVERITIES) - 1, "severity": SEVERITIES[level]}
    for category, phrases in DETECTION_TRIGGERS.items():
        detected = any(_found(phrase, text) for phrase in phrases)
        results[category] = {"filtered": detected and category in _FILTERED_DETECTIONS, "detected": detected}
    return results


def blocked(results: dict[str, Any]) -> list[str]:
    """The categories that `results` filtered (empty when nothing was)."""
    return [category for category, result in results.items() if result.get("filtered")]

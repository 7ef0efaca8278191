"""Safety checks: strictness templates and the verdict ``client.safety`` returns.

A template says, per category, from which severity on content is flagged (``hate``, ``violence``,
``sexual``, ``self_harm``: ``low``, ``medium`` or ``high``), and which detections flag it
(``jailbreak``, ``protected_material_text``, ``protected_material_code``). Whatever the service
itself filtered (``filtered: true``) is flagged under every template.

==============  =====  ========  ======  =========  =========  ==================  ==================
template        hate   violence  sexual  self_harm  jailbreak  protected (text)    protected (code)
==============  =====  ========  ======  =========  =========  ==================  ==================
STRICT          low    low       low     low        yes        yes                 yes
MODERATE        medium medium    medium  medium     yes        no                  no
MINIMAL         high   high      high    high       no         no                  no
CHILD_SAFE      low    low       low     low        yes        no                  no
ENTERPRISE      medium medium    medium  medium     yes        yes                 yes
==============  =====  ========  ======  =========  =========  ==================  ==================

MODERATE is the default.

>>> verdict = client.safety.check_text("I will punch you", template=SafetyTemplates.STRICT)
>>> verdict.safe, verdict.flagged
(False, ['violence'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

from .._exceptions import SkytellsError
from ._record import Record

__all__ = [
    "DETECTION_CATEGORIES",
    "SEVERITIES",
    "SEVERITY_CATEGORIES",
    "SafetyCategoryResult",
    "SafetyTemplate",
    "SafetyTemplateLike",
    "SafetyTemplates",
    "SafetyVerdict",
]

#: severities, mildest first
SEVERITIES = ("safe", "low", "medium", "high")
#: the categories graded by severity
SEVERITY_CATEGORIES = ("hate", "violence", "sexual", "self_harm")
#: the categories that are detected or not
DETECTION_CATEGORIES = ("jailbreak", "protected_material_text", "protected_material_code")


@dataclass(frozen=True)
class SafetyTemplate:
    """How strict a check is: the lowest severity that flags each graded category (a category left
    out is never flagged for its severity), and the detections that flag.

    >>> SafetyTemplate("no-violence", {"violence": "low"}, frozenset({"jailbreak"}))
    """

    name: str
    thresholds: Mapping[str, str] = field(default_factory=dict)
    detections: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for category, severity in self.thresholds.items():
            if severity not in SEVERITIES[1:]:
                raise ValueError(
                    f"Threshold of {category!r} must be 'low', 'medium' or 'high' (got {severity!r})"
                )
        object.__setattr__(self, "detections", frozenset(self.detections))

    def flags(self, category: str, severity: str | None, detected: bool | None) -> bool:
        """Whether a finding of ``category`` is flagged under this template."""
        threshold = self.thresholds.get(category)
        if threshold is not None and severity in SEVERITIES:
            return SEVERITIES.index(severity) >= SEVERITIES.index(threshold)
        return bool(detected) and category in self.detections


def _every(severity: str) -> dict[str, str]:
    return dict.fromkeys(SEVERITY_CATEGORIES, severity)


class SafetyTemplates:
    """The built-in templates (see the module docstring for their thresholds)."""

    STRICT = SafetyTemplate("strict", _every("low"), frozenset(DETECTION_CATEGORIES))
    MODERATE = SafetyTemplate("moderate", _every("medium"), frozenset({"jailbreak"}))
    MINIMAL = SafetyTemplate("minimal", _every("high"))
    CHILD_SAFE = SafetyTemplate("child_safe", _every("low"), frozenset({"jailbreak"}))
    ENTERPRISE = SafetyTemplate("enterprise", _every("medium"), frozenset(DETECTION_CATEGORIES))

    @classmethod
    def get(cls, template: SafetyTemplateLike | None) -> SafetyTemplate:
        """A template itself, or the built-in one of that name (``"strict"``, ``"CHILD_SAFE"``...);
        MODERATE for None."""
        if template is None:
            return cls.MODERATE
        if isinstance(template, SafetyTemplate):
            return template
        found = getattr(cls, str(template).upper(), None)
        if not isinstance(found, SafetyTemplate):
            names = ", ".join(t.name for t in cls.all())
            message = f"Unknown safety template {template!r}: use one of {names}"
            raise SkytellsError(message, "SDK_ERROR", message, 0)
        return found

    @classmethod
    def all(cls) -> list[SafetyTemplate]:
        return [cls.STRICT, cls.MODERATE, cls.MINIMAL, cls.CHILD_SAFE, cls.ENTERPRISE]


SafetyTemplateLike = Union[SafetyTemplate, str]


class SafetyCategoryResult(Record):
    """One category of a verdict: what the service found (``severity`` or ``detected``), whether it
    ``filtered`` it, and whether the template ``flagged`` it."""

    severity: str | None
    detected: bool | None
    filtered: bool
    flagged: bool


class SafetyVerdict(Record):
    """The verdict of a safety check.

    ``safe`` is True when nothing is ``flagged``; ``categories`` holds every category the service
    reported; ``template`` is the name of the template applied.
    """

    safe: bool
    flagged: list[str]
    categories: dict[str, SafetyCategoryResult]
    template: str

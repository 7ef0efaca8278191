"""Django, configured once per process for the tests (no database, CSRF checks on), and a way to route
a test's URL patterns."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings


def configure_django() -> None:
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="test-only-not-secret",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=None,
            MIDDLEWARE=[
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
            ],
            INSTALLED_APPS=[],
            DATABASES={},
        )
        django.setup()


class URLConf:
    """A URL configuration object (Django takes one in place of a module path in ROOT_URLCONF)."""

    def __init__(self, urlpatterns: list[Any]) -> None:
        self.urlpatterns = urlpatterns

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/training/", "/placements/", "/verify/"])
def test_pages_send_a_strict_content_security_policy(client, db, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_send_it_too(client, administrator):
    client.force_login(administrator)
    for url in ["/", "/talent/", "/admin/"]:
        assert "script-src 'self'" in client.get(url).headers["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), template
        assert "style=" not in source, template
        assert not re.search(r"\son[a-z]+=", source), template


def _routes_without_arguments(resolver, prefix=""):
    """Every route of the project that takes no argument, admin included."""
    from django.urls import URLPattern, URLResolver

    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _routes_without_arguments(entry, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route.lstrip("^").rstrip("$").replace("\\", "")


def test_every_page_sends_the_policy_whoever_asks(client, administrator, trainee):
    from django.urls import get_resolver

    routes = sorted(set(_routes_without_arguments(get_resolver())))
    assert "/audit/" in routes and "/reports/assessment/" in routes and "/admin/rosters/importrecord/" in routes
    for user in (None, trainee, administrator):
        if user:
            client.force_login(user)
        for route in routes:
            if "logout" in route:
                continue
            response = client.get(route)
            policy = response.headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (route, response.status_code)

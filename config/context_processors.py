from django.conf import settings


def site(request) -> dict:
    """The committee's name, for every page's title and footer."""
    return {"site_name": settings.SITE_NAME}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates import (
            checks,  # noqa: F401 -- registers the system checks
            notices,
            receivers,
        )
        from placements.signals import placement_completed
        from talent import roles

        notices.register_kinds()

        roles.grant(roles.Role.ADMINISTRATOR, "certificates")
        roles.grant(roles.Role.COORDINATOR, "certificates.view_certificate")

        placement_completed.connect(
            receivers.issue_internship_certificate, dispatch_uid="certificates.issue_internship_certificate"
        )

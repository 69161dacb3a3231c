from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import talent_notices
        from talent import roles

        roles.grant(roles.Role.ADMINISTRATOR, "notifications")
        # Talent sits below notifications and cannot register its kinds itself:
        # its reminders (continuing education, re-registration) are registered here.
        talent_notices.setup()

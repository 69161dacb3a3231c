from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def practitioners_enrolled_at_coordinated_bases(user):
    """People enrolled (in any state) at one of the user's bases (talent.scopes)."""
    from training.models import Enrollment

    return [Enrollment.objects.filter(session__course__base__coordinators=user).values("trainee")]


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        import rosters
        from talent import roles, scopes
        from training import notices
        from training.resources import KINDS

        notices.register_kinds()

        scopes.add_coordinator_rule(practitioners_enrolled_at_coordinated_bases)
        for kind in KINDS:
            rosters.register(kind)
        roles.grant(roles.Role.ADMINISTRATOR, "training")
        roles.grant(
            roles.Role.COORDINATOR,
            "training.view_trainingbase",
            "training.view_course",
            "training.view_coursesession",
            "training.view_enrollment",
        )

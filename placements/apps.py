from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def practitioners_at_coordinated_practice_bases(user):
    """People living in the base's sub-district, placed there, or asking to be:
    one query of ids per relation (talent.scopes)."""
    from placements.models import Placement, PracticeBase, Preference
    from talent.models import Practitioner

    bases = PracticeBase.objects.filter(coordinators=user)
    return [
        Practitioner.objects.filter(sub_district__in=bases.values("sub_district")).values("pk"),
        Placement.objects.filter(position__base__in=bases.values("pk")).values("trainee"),
        Preference.objects.filter(position__base__in=bases.values("pk")).values("trainee"),
    ]


def register_notifications() -> None:
    """The kinds of the internship's lifecycle (placements.appeals, offers, agreements, journals)."""
    from notifications.kinds import Kind, register
    from notifications.reminders import reminder
    from placements import offers

    for code, label in (
        ("placements.published", _("Internship proposal published, with the appeal window")),
        ("placements.unplaced", _("No internship proposal for you in a round")),
        ("placements.appeal_resolved", _("Internship appeal answered")),
        ("placements.seat_offered", _("A freed internship seat offered to you")),
        ("placements.answer_due", _("Accept or decline your internship soon")),
        ("placements.agreement_to_confirm", _("A learning agreement to confirm")),
        ("placements.journal_comment", _("Your tutor commented on your journal")),
    ):
        name = code.split(".", 1)[1]
        register(Kind(code=code, label=label, template=f"placements/notifications/{name}"))
    reminder("placements.answer_due")(offers.answers_due)


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        import rosters
        from placements.resources import KINDS
        from talent import roles, scopes

        register_notifications()
        from placements import notices

        notices.register_kinds()
        scopes.add_coordinator_rule(practitioners_at_coordinated_practice_bases)
        for kind in KINDS:
            rosters.register(kind)
        roles.grant(roles.Role.ADMINISTRATOR, "placements")
        roles.grant(
            roles.Role.COORDINATOR,
            "placements.view_practicebase",
            "placements.view_placementround",
            "placements.view_position",
            "placements.view_placement",
            "placements.view_hourlog",
            "placements.view_evaluation",
        )

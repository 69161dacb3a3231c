from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def practitioners_at_coordinated_practice_bases(user) -> Q:
    """People living in the base's sub-district, placed there, or asking to be."""
    return (
        Q(sub_district__practice_base__coordinators=user)
        | Q(placements__position__base__coordinators=user)
        | Q(placement_preferences__position__base__coordinators=user)
    )


def register_notifications() -> None:
    """The kinds of the internship's lifecycle (placements.appeals, offers, agreements, journals)."""
    from notifications.kinds import Kind, register
    from notifications.reminders import reminder
    from placements import offers

    for code, label in (
        ("placements.published", _("Internship proposal published, with the appeal window")),
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

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


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        import rosters
        from placements.resources import KINDS
        from talent import roles, scopes

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

from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def practitioners_in_coordinated_sub_districts(user) -> Q:
    return Q(sub_district__practice_base__coordinators=user)


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from talent import scopes

        scopes.add_coordinator_rule(practitioners_in_coordinated_sub_districts)

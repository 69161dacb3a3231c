from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def practitioners_in_coordinated_research(user):
    """Members of the projects and participants of the activities of the
    user's bases: one query of ids per relation (talent.scopes)."""
    from research.models import ExchangeActivity, ProjectMember, ResearchProject

    projects = ResearchProject.objects.filter(
        Q(lead_base__coordinators=user) | Q(partner_bases__coordinators=user)
    ).values("pk")
    activities = ExchangeActivity.objects.filter(
        Q(training_base__coordinators=user) | Q(practice_base__coordinators=user)
    ).values("pk")
    return [
        ProjectMember.objects.filter(project__in=projects).values("practitioner"),
        ExchangeActivity.participants.through.objects.filter(exchangeactivity__in=activities).values("practitioner"),
    ]


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Research and exchange")

    def ready(self):
        from notifications.kinds import Kind, register
        from notifications.reminders import reminder
        from research import reminders, services
        from talent import claims, roles, scopes

        scopes.add_coordinator_rule(practitioners_in_coordinated_research)
        claims.add_reviewer_rule(services.reviewer_rule)
        roles.grant(roles.Role.ADMINISTRATOR, "research", "talent.view_learningclaim")
        register(
            Kind(
                code="research.claim_reviewed",
                label=_("Hours claim reviewed"),
                template="research/notifications/claim_reviewed",
            )
        )
        register(
            Kind(
                code="research.claims_awaiting",
                label=_("Hours claims awaiting your review"),
                template="research/notifications/claims_awaiting",
                sms=False,
            )
        )
        reminder("research.claims_awaiting")(reminders.claims_awaiting)

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from talent.models import SubDistrict


class PracticeBaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PracticeBaseQuerySet":
        if user.is_administrator:
            return self
        return self.filter(coordinators=user)


class PracticeBase(models.Model):
    """A practice and internship base (实践实习基地): one of the city's sub-districts."""

    sub_district = models.OneToOneField(
        SubDistrict,
        verbose_name=_("sub-district"),
        on_delete=models.PROTECT,
        related_name="practice_base",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_practice_bases",
    )

    objects = PracticeBaseQuerySet.as_manager()

    class Meta:
        ordering = ["sub_district__name"]
        verbose_name = _("practice base")
        verbose_name_plural = _("practice bases")

    def __str__(self):
        return self.sub_district.name

    @property
    def name(self) -> str:
        return self.sub_district.name

    @property
    def district(self) -> str:
        return self.sub_district.district

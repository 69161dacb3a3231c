"""django-tasks-db as the project installs it: the same app (name and label
unchanged, so its tables and migrations are the package's), under a name the
admin shows in the reader's language; the package's own is a plain English
string that no catalogue can translate."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")

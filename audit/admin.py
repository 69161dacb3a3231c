from auditlog.models import LogEntry
from django.contrib import admin

# The audit log page (/audit/) shows every entry in the reader's language, with
# field labels, values and links; auditlog's own admin shows raw field names and
# values in English ("7 changes: placement, mentor, role ..."), so it is not
# offered beside it.
admin.site.unregister(LogEntry)

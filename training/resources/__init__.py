"""Courses, sessions, enrolments and results in and out (django-import-export)."""

from django.utils.translation import gettext_lazy

from rosters import Kind
from training.resources.catalogue import CourseResource, CourseSessionResource
from training.resources.people import EnrollmentResource, ResultResource
from training.resources.sheet import SignInSheetResource

__all__ = [
    "KINDS",
    "CourseResource",
    "CourseSessionResource",
    "EnrollmentResource",
    "ResultResource",
    "SignInSheetResource",
]

KINDS = [
    Kind("courses", gettext_lazy("Courses"), CourseResource, "training.import_course"),
    Kind("sessions", gettext_lazy("Course sessions"), CourseSessionResource, "training.import_coursesession"),
    Kind(
        "enrollments",
        gettext_lazy("Enrolments into a session"),
        EnrollmentResource,
        "training.import_enrollment",
        option="session",
        option_model="training.CourseSession",
    ),
    Kind(
        "results",
        gettext_lazy("Results of a session"),
        ResultResource,
        "training.import_enrollment",
        option="session",
        option_model="training.CourseSession",
    ),
    Kind(
        "attendance_sheet",
        gettext_lazy("Sign-in sheet of a meeting"),
        SignInSheetResource,
        "training.import_attendance",
        option="meeting",
        option_model="training.Meeting",
    ),
]

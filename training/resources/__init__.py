"""Courses, sessions, enrolments and results in and out (django-import-export)."""

from training.resources.catalogue import CourseResource, CourseSessionResource
from training.resources.people import EnrollmentResource, ResultResource

__all__ = ["CourseResource", "CourseSessionResource", "EnrollmentResource", "ResultResource"]

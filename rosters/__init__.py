"""Bulk roster import and export, for every app: reading spreadsheets, the
resources' shared base, the runner (preview, confirm, all or nothing) and the
record of every import. Apps register their kinds with `rosters.register`."""

from rosters.registry import Kind, all_kinds, get, kinds_for_model, register, unregister

__all__ = ["Kind", "all_kinds", "get", "kinds_for_model", "register", "unregister"]

"""Citizen intake: the report form, the tracking page and the accept_report service."""

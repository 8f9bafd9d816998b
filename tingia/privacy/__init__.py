"""Reporters' personal data: contact details are purged CONTACT_RETENTION_DAYS after their case
is closed or published (`flask privacy purge`, and the worker's periodic job), or at once when
the reporter asks with the tracking code (the page is in tingia/intake). Both are in the audit
log."""

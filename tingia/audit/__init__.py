"""The audit log: append-only, every change (a case's history entries are referenced) and every
view of a reporter's contact details, with who, when and from which address; admins search it
(/staff/admin/audit).

Other features call `record(...)` (logins, accounts, tokens...) and `record_contact_view(...)`
wherever contact details are shown; `init_app` links case history entries to the log and keeps
both tables append-only.
"""

from tingia.audit.service import init_app, record, record_contact_view

__all__ = ["init_app", "record", "record_contact_view"]

"""Labels of the audit log's actions, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tingia.i18n import EVENT_LABELS
from tingia.models import AuditAction, CaseAction

AUDIT_ACTION_LABELS = {
    AuditAction.CASE_EVENT: _l("Case history"),
    AuditAction.CONTACT_VIEWED: _l("Reporter's contact details shown"),
    AuditAction.CONTACT_PURGED: _l("Contact details deleted (retention period over)"),
    AuditAction.CONTACT_ERASED: _l("Contact details deleted at the reporter's request"),
    AuditAction.LOGIN: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Failed sign-in"),
    AuditAction.LOGOUT: _l("Signed out"),
    AuditAction.PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.TWO_FACTOR_CHANGED: _l("Two-factor sign-in changed"),
    AuditAction.ACCOUNT_CREATED: _l("Account created"),
    AuditAction.ACCOUNT_CHANGED: _l("Account changed"),
    AuditAction.TOKEN_CREATED: _l("API token created"),
    AuditAction.TOKEN_REVOKED: _l("API token revoked"),
}


def action_label(value: str) -> str:
    """The label of an action filter value (an audit action or "case_event:<case action>")."""
    audit_action, _, case_action = value.partition(":")
    if case_action:
        label = EVENT_LABELS.get(CaseAction(case_action), case_action)
        return f"{AUDIT_ACTION_LABELS[AuditAction.CASE_EVENT]}: {label}"
    return str(AUDIT_ACTION_LABELS.get(AuditAction(audit_action), audit_action))

"""Labels of the audit log's actions, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tingia.i18n import EVENT_LABELS
from tingia.models import AuditAction, AuthAction, CaseAction

AUDIT_ACTION_LABELS = {
    AuditAction.CASE_EVENT: _l("Case history"),
    AuditAction.AUTH_EVENT: _l("Sign-in"),
    AuditAction.CONTACT_VIEWED: _l("Reporter's contact details shown"),
    AuditAction.CONTACT_PURGED: _l("Contact details deleted (retention period over)"),
    AuditAction.CONTACT_ERASED: _l("Contact details deleted at the reporter's request"),
    AuditAction.ACCOUNT_CREATED: _l("Account created"),
    AuditAction.ACCOUNT_CHANGED: _l("Account changed"),
    AuditAction.TOKEN_CREATED: _l("API token created"),
    AuditAction.TOKEN_REVOKED: _l("API token revoked"),
}
AUTH_ACTION_LABELS = {
    AuthAction.LOGIN_SUCCEEDED: _l("Signed in"),
    AuthAction.LOGIN_FAILED: _l("Failed sign-in"),
    AuthAction.LOGIN_THROTTLED: _l("Sign-in refused: too many failures"),
    AuthAction.SECOND_FACTOR_FAILED: _l("Wrong two-factor code"),
    AuthAction.RECOVERY_CODE_USED: _l("Recovery code used"),
    AuthAction.LOGOUT: _l("Signed out"),
    AuthAction.SESSION_REVOKED: _l("Session ended"),
    AuthAction.SESSIONS_REVOKED: _l("All sessions ended"),
    AuthAction.PASSWORD_CHANGED: _l("Password changed"),
    AuthAction.TWO_FACTOR_ENROLLED: _l("Two-factor sign-in turned on"),
    AuthAction.TWO_FACTOR_DISABLED: _l("Two-factor sign-in turned off"),
    AuthAction.TWO_FACTOR_RESET: _l("Two-factor sign-in reset"),
    AuthAction.RECOVERY_CODES_RENEWED: _l("New recovery codes"),
}


def action_label(value: str) -> str:
    """The label of an action filter value: an audit action, "case_event:<case action>" or
    "auth_event:<sign-in action>"."""
    audit_action, _, inner = value.partition(":")
    outer = str(AUDIT_ACTION_LABELS.get(AuditAction(audit_action), audit_action))
    if not inner:
        return outer
    if audit_action == AuditAction.CASE_EVENT:
        return f"{outer}: {EVENT_LABELS.get(CaseAction(inner), inner)}"
    return f"{outer}: {AUTH_ACTION_LABELS.get(AuthAction(inner), inner)}"

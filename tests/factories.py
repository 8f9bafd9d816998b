"""Factories for test data: plain functions with sensible defaults, flushed not committed."""

from __future__ import annotations

import hashlib
import io
import time

import pyotp
from PIL import Image, ImageDraw

from tingia.auth import sessions
from tingia.auth.service import create_api_token, create_user
from tingia.auth.two_factor import STEP_SECONDS
from tingia.centres.scoping import centre_for_province, national_centre
from tingia.database import utcnow
from tingia.extensions import db
from tingia.intake.service import ReportInput, accept_report
from tingia.intake.uploads import UploadedImage
from tingia.models import Case, CaseSuggestion, Report, Source, SourceListProposal, User
from tingia.models import TakedownRequest as Takedown
from tingia.storage import reencode_image

PASSWORD = "correct-horse-battery"

# What a verifier writes, as the publishing service takes it (shared by several test files).
VERDICT_INPUT = {
    "rating": "fake",
    "title": "Uống nước chanh ấm không diệt được virus cúm A",
    "claim": "Bộ Y tế khuyến cáo uống nước chanh ấm để diệt virus cúm A",
    "summary": "Bộ Y tế không có khuyến cáo này.",
    "explanation": "Virus cúm không bị nước chanh tiêu diệt.",
    "sources": ["https://moh.gov.vn/tin-tuc/1"],
}
WARNING_INPUT = {
    "title": "Cảnh báo tin nhắn giả mạo ngân hàng",
    "summary": "Ngân hàng không gửi đường dẫn.",
    "explanation": "Kẻ gian gửi đường dẫn tới trang web giả.",
    "advice": "Không bấm vào đường dẫn lạ.",
    "sources": [],
}
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def user(
    role: str = "verifier", province: str | None = "01", two_factor: bool | None = None, **kwargs
) -> User:
    """A staff member of a province's centre (None: the national centre). Leads and admins have
    two-factor set up (they must), verifiers not, unless `two_factor` says otherwise; codes come
    from `totp_code`."""
    centre = centre_for_province(province) if province else national_centre()
    email = kwargs.pop("email", None) or f"{role}{_next()}@centre.test"
    active = kwargs.pop("active", True)
    created = create_user(email, kwargs.pop("password", PASSWORD), role, centre, **kwargs)
    created.active = active
    if two_factor if two_factor is not None else created.two_factor_required:
        created.totp_secret = pyotp.random_base32(32)
        created.totp_enrolled_at = utcnow()
    return created


def totp_code(for_user: User) -> str:
    """A code the user's authenticator app would show that has not been used yet: the current
    one, or the next step's (accepted too) when the current one was used."""
    db.session.refresh(for_user)
    current = int(time.time() // STEP_SECONDS)
    step = max(current, (for_user.totp_last_counter or -1) + 1)
    assert step <= current + 1, "two codes used in this step already: the test signs in too often"
    return pyotp.TOTP(for_user.totp_secret).generate_otp(step)


def token(for_user: User) -> str:
    """A bearer token for the user."""
    return create_api_token(for_user, name="test")


def auth_headers(for_user: User) -> dict[str, str]:
    """Authorization header with a new token for the user (committed, so requests see it)."""
    value = token(for_user)
    db.session.commit()
    return {"Authorization": f"Bearer {value}"}


def png_bytes(
    width: int = 64, height: int = 48, color: str = "red", text: str | None = None
) -> bytes:
    """A small PNG; different colours/texts give different images."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle([width // 4, height // 4, width // 2, height // 2], fill="white")
    if text:
        draw.text((2, 2), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def uploaded(data: bytes, filename: str = "shot.png") -> UploadedImage:
    """An already-checked upload, as the form hands it to the service."""
    return UploadedImage(
        image=reencode_image(data), filename=filename, sha256=hashlib.sha256(data).hexdigest()
    )


def report(
    content: str = "Bộ Y tế khuyến cáo uống nước chanh ấm diệt virus cúm A trong cổ họng",
    province: str = "01",
    images: list[bytes] | None = None,
    **kwargs,
) -> Report:
    """A report accepted through the intake service (not yet processed)."""
    created_at = kwargs.pop("created_at", None)
    fields = ReportInput(
        content=content,
        url=kwargs.pop("url", None),
        platform=kwargs.pop("platform", "facebook"),
        province_code=province,
        **kwargs,
    )
    accepted = accept_report(fields, [uploaded(data) for data in images or []])
    if created_at is not None:
        accepted.created_at = created_at
    return accepted


def case(*reports: Report, **report_kwargs) -> Case:
    """A case holding the given reports (a new report when none), grouped without the matcher,
    as the worker would: the case opens at the first report's province centre."""
    from tingia.cases.membership import add_report, open_case_for
    from tingia.database import utcnow
    from tingia.matching.normalise import normalise_text

    reports = reports or (report(**report_kwargs),)
    new_case = open_case_for(reports[0])
    for item in reports:
        add_report(item, new_case)
        item.normalised_text = normalise_text(item.content)
        item.processed_at = utcnow()
    db.session.flush()
    return new_case


def suggestion(target: Case, suggested: Report, score: float = 70.0) -> CaseSuggestion:
    """A pending suggestion that `suggested` (already in a case of its own) belongs to `target`."""
    item = CaseSuggestion(case_id=target.id, report_id=suggested.id, score=score, basis="text")
    db.session.add(item)
    db.session.flush()
    return item


def login(client, who: User) -> None:
    """Sign the test client in as the user, as after every sign-in step (second factor included):
    a server-side session and its key in the client's cookie. Commits, so requests see fixtures."""
    key = sessions.start_session(who, second_factor=True)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True


def harmful_case(actor: User, url: str, province: str = "01", **report_kwargs) -> Case:
    """A case of one report of the URL, triaged harmful by the actor."""
    from tingia.triage import service

    content = report_kwargs.pop("content", f"Bài đăng kích động gây hoang mang {_next()}")
    new_case = case(report(content, province, url=url, **report_kwargs))
    service.triage(new_case, "harmful", actor)
    db.session.flush()
    return new_case


def takedown(actor: User, province: str = "01", url: str | None = None, **kwargs) -> Takedown:
    """A removal request on a new harmful case from a page's post."""
    from tingia.takedowns import service

    number = _next()
    url = url or f"https://www.facebook.com/trangxau{province}.{number}/posts/{number}"
    target = harmful_case(actor, url, province)
    return service.request_takedown(target, url, kwargs.pop("channel", "email"), actor, **kwargs)


def proposal(source: Source, actor: User, list_kind: str = "black") -> SourceListProposal:
    """A pending proposal of the actor's centre to list the source."""
    from tingia.sources import service

    return service.propose(source, list_kind, "Trang đăng tin xấu độc nhiều lần", actor)

"""Demo data for `flask seed --demo`: staff of three centres, a few dozen reports grouped into
cases, one published verdict and one published fraud warning.

The stories are invented for the demo, written the way such posts circulate; several are sent
more than once in different shapes (without diacritics, as an excerpt, with the reporter's own
words around a paste, behind a tracking link) so they group into shared cases. Reports are dated
over the last two days, so the queue shows cases past the 24-hour clock. Seeding processes the
demo reports itself (no worker needed) and publishes through the workflow services, as staff would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from tingia.auth.service import create_user, find_user_by_email
from tingia.centres.scoping import centre_for_province, national_centre
from tingia.database import utcnow
from tingia.extensions import db
from tingia.intake.service import ReportInput, accept_report
from tingia.models import (
    Category,
    PublicationKind,
    Rating,
    Report,
    ReportSource,
    Role,
    SourceList,
    SubjectArea,
    TakedownChannel,
    TakedownRequest,
    TakedownStatus,
    Verdict,
)
from tingia.text import fold_diacritics

# bandit B105 accepted: demo accounts, published in the README.
DEMO_PASSWORD = "demo-tingia-2026"  # nosec B105
# Leads and admins must sign in with two-factor: the demo ones share this published TOTP secret
# (printed by `flask seed --demo`), so anyone trying the demo can add it to an authenticator app
# or compute the code. Never use demo accounts on a real instance.
# bandit B105 accepted: published in the README like the demo password.
DEMO_TOTP_SECRET = "TINGIADEMOTOTPKEYFORTRYINGTHEAPP"  # nosec B105
DEMO_STAFF = [
    ("admin@tingia.local", Role.ADMIN, None, "Quản trị quốc gia"),
    ("lead@tingia.local", Role.LEAD, None, "Trưởng nhóm quốc gia"),
    ("verifier@tingia.local", Role.VERIFIER, None, "Kiểm chứng viên quốc gia"),
    ("lead.hanoi@tingia.local", Role.LEAD, "01", "Trưởng nhóm Hà Nội"),
    ("verifier.hanoi@tingia.local", Role.VERIFIER, "01", "Kiểm chứng viên Hà Nội"),
    ("verifier2.hanoi@tingia.local", Role.VERIFIER, "01", "Kiểm chứng viên Hà Nội 2"),
    ("lead.hcm@tingia.local", Role.LEAD, "79", "Trưởng nhóm TP.HCM"),
    ("verifier.hcm@tingia.local", Role.VERIFIER, "79", "Kiểm chứng viên TP.HCM"),
]

# (text, link, platform, category hint, provinces that report it, how many reports)
STORIES = [
    (
        "KHẨN CẤP: Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt "
        "virus cúm A đang bám trong cổ họng trước khi nó xuống phổi. Bác sĩ bệnh viện Bạch Mai "
        "xác nhận cách này hiệu quả 100%. Hãy chia sẻ ngay cho gia đình và bạn bè!",
        "https://www.facebook.com/groups/suckhoegiadinh/posts/8812345678",
        "facebook",
        "fake_news",
        ["01", "01", "01", "79", "48"],
        7,
    ),
    (
        "Ngân hàng Nhà nước thông báo: từ ngày 01/12 tất cả tài khoản chưa cập nhật sinh trắc "
        "học sẽ bị khóa vĩnh viễn. Quý khách bấm vào đường dẫn sau để xác thực ngay trong 24 giờ: "
        "http://sbv-xacthuc-sinhtrachoc.top/cap-nhat",
        None,
        "sms",
        Category.FRAUD,
        ["79", "79", "01", "92"],
        6,
    ),
    (
        "Đập thủy điện Hòa Bình xuất hiện vết nứt lớn, nước có thể tràn về Hà Nội trong đêm nay. "
        "Người dân vùng trũng khẩn trương di dời, đừng tin các thông báo trấn an trên tivi.",
        "https://www.tiktok.com/@tintucnong24h/video/7301234567890123456",
        "tiktok",
        "fake_news",
        ["01", "01", "25"],
        5,
    ),
    (
        "Tuyển cộng tác viên làm việc tại nhà, chỉ cần thả tim và bình luận video TikTok, thu "
        "nhập 500.000 – 2.000.000 đồng/ngày. Nhắn Zalo để nhận nhiệm vụ đầu tiên, nạp trước "
        "200.000 đồng để kích hoạt tài khoản nhận hoa hồng.",
        "https://zalo.me/g/congtacvien-tiktok-2026",
        "zalo",
        Category.FRAUD,
        ["79", "79", "75"],
        4,
    ),
    (
        "Cảnh báo: đang có nhóm bắt cóc trẻ em đi xe 7 chỗ màu trắng ở khu vực Thủ Đức, tuần "
        "này đã có 3 cháu bị bắt ngay trước cổng trường. Phụ huynh đưa đón con cẩn thận.",
        "https://www.facebook.com/share/p/1AbCdEfGhJ/",
        "facebook",
        "fake_news",
        ["79", "79"],
        3,
    ),
    (
        "Giá xăng RON95 sẽ tăng lên 35.000 đồng/lít từ 15 giờ chiều nay theo quyết định của "
        "liên Bộ Công Thương – Tài chính, mọi người tranh thủ đi đổ đầy bình ngay.",
        None,
        "zalo",
        "fake_news",
        ["31", "01"],
        2,
    ),
    (
        "Trang 'Công an TP Hồ Chí Minh – Tiếp nhận tố giác lừa đảo' yêu cầu người bị lừa gửi "
        "ảnh căn cước hai mặt và mã OTP ngân hàng để được hoàn tiền trong 48 giờ.",
        "https://m.facebook.com/congan.tiepnhan.hoantien?ref=share",
        "facebook",
        Category.FRAUD,
        ["79"],
        2,
    ),
    (
        "Tiêm vắc xin sởi cho trẻ dưới 5 tuổi gây vô sinh khi lớn lên, nhiều bác sĩ đã xác "
        "nhận nhưng bị ép giữ im lặng. Các mẹ đừng cho con đi tiêm đợt này.",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
        "youtube",
        "fake_news",
        ["38", "40"],
        2,
    ),
    (
        "Từ ngày 1/7/2025 cả nước còn 34 đơn vị hành chính cấp tỉnh sau khi sắp xếp, trong đó "
        "có 6 thành phố trực thuộc trung ương.",
        None,
        "website",
        "unsure",
        ["22"],
        1,
    ),
    (
        "Hàng xóm nhà tôi để chó sủa suốt đêm, đã nhắc nhiều lần không được, đề nghị các anh "
        "xử lý giúp.",
        None,
        "other",
        "unsure",
        ["01"],
        1,
    ),
    (
        "Video kêu gọi mọi người tụ tập trước trụ sở UBND tỉnh vào sáng Chủ nhật này để phản "
        "đối, kèm lời lẽ xúc phạm lực lượng chức năng và hướng dẫn mang theo gậy gộc.",
        "https://www.tiktok.com/@taikhoanao99/video/7309876543210987654",
        "tiktok",
        Category.HARMFUL,
        ["66", "66"],
        2,
    ),
]

# How many hours ago each story was first reported (same order as STORIES).
STORY_AGES_HOURS = [30, 26, 27, 12, 40, 6, 3, 28, 50, 2, 10]

# Published by the demo (story index, author, publisher, category, content).
DEMO_PUBLICATIONS = [
    (
        0,
        "verifier.hanoi@tingia.local",
        "lead.hanoi@tingia.local",
        Category.VERIFIABLE,
        {
            "rating": Rating.FAKE,
            "subject_area": SubjectArea.HEALTH,
            "title": "Uống nước chanh ấm pha muối không diệt được virus cúm A",
            "claim": "Bộ Y tế khuyến cáo uống nước chanh ấm pha muối mỗi sáng để diệt virus "
            "cúm A trong cổ họng.",
            "summary": "Bộ Y tế không đưa ra khuyến cáo này; nước chanh pha muối không diệt "
            "được virus cúm A.",
            "explanation": "Bài đăng mạo danh Bộ Y tế và bác sĩ Bệnh viện Bạch Mai. Không có "
            "văn bản nào của Bộ Y tế khuyến cáo như vậy.\n\nVirus cúm xâm nhập vào tế bào "
            "đường hô hấp; uống hay súc họng bằng nước chanh muối không loại bỏ được virus. "
            "Cách phòng bệnh hiệu quả là tiêm vắc xin cúm hằng năm, rửa tay thường xuyên và "
            "đến cơ sở y tế khi có triệu chứng.",
            "sources": [
                "Cổng thông tin điện tử Bộ Y tế | https://moh.gov.vn/",
                "WHO: Influenza (seasonal) | "
                "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)",
            ],
        },
    ),
    (
        1,
        "verifier.hcm@tingia.local",
        "lead.hcm@tingia.local",
        Category.FRAUD,
        {
            "subject_area": SubjectArea.PHISHING_LINKS,
            "title": "Tin nhắn mạo danh Ngân hàng Nhà nước yêu cầu cập nhật sinh trắc học",
            "summary": "Ngân hàng Nhà nước không gửi tin nhắn kèm đường dẫn yêu cầu xác thực "
            "tài khoản.",
            "explanation": "Kẻ gian gửi tin nhắn mạo danh Ngân hàng Nhà nước, đe dọa khóa tài "
            "khoản nếu không cập nhật sinh trắc học trong 24 giờ, kèm đường dẫn tới một trang "
            "web giả. Trang này yêu cầu nhập tên đăng nhập, mật khẩu và mã OTP, rồi dùng "
            "chúng để chuyển tiền khỏi tài khoản của nạn nhân.",
            "advice": "Không bấm vào đường dẫn trong tin nhắn lạ. Chỉ cập nhật sinh trắc học "
            "trong ứng dụng chính thức của ngân hàng hoặc tại quầy giao dịch. Không đưa mã OTP "
            "cho bất kỳ ai. Nếu đã lỡ nhập thông tin, gọi ngay tổng đài ngân hàng để khóa tài "
            "khoản và báo cho cơ quan công an.",
            "sources": ["Ngân hàng Nhà nước Việt Nam | https://www.sbv.gov.vn/"],
        },
    ),
]

REPORTER_PREFIXES = [
    "Mọi người ơi tin này có thật không? ",
    "Nhóm Zalo của khu phố tôi đang chia sẻ cái này: ",
    "Em thấy trên mạng: ",
    "",
]
REPORTER_SUFFIXES = [" Mong trung tâm kiểm tra giúp.", " Bà con cẩn thận nhé.", "", " Xem thêm"]


@dataclass
class DemoSummary:
    """What seed_demo added."""

    staff: list[str] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    processed: int = 0
    published: list[str] = field(default_factory=list)
    takedowns: list[str] = field(default_factory=list)
    skipped: bool = False

    def describe(self) -> str:
        """A summary for the terminal, with the demo logins."""
        lines = [
            "demo reports: already present"
            if self.skipped
            else f"demo reports added: {len(self.report_ids)}"
        ]
        if self.processed:
            lines.append(f"demo reports grouped into cases: {self.processed}")
        lines += [f"demo publication: {line}" for line in self.published]
        lines += [f"demo removal request: {line}" for line in self.takedowns]
        lines.append(f"demo logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {email:34} {role:9} {where}" for email, role, where in self.staff]
        lines += [
            "demo leads and admins sign in with two-factor too: add this key to an authenticator",
            f"app (FreeOTP, Aegis, Google Authenticator...): {DEMO_TOTP_SECRET}",
            '  or print the current code with:  .venv/bin/python -c "import pyotp; '
            f"print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"",
        ]
        return "\n".join(lines)


def _variant(text: str, link: str | None, index: int, rng: random.Random) -> tuple[str, str | None]:
    """The n-th citizen's way of sending a story."""
    kind = index % 5
    if kind == 1:
        text = fold_diacritics(text)
    elif kind == 2:
        words = text.split()
        text = " ".join(words[: max(12, len(words) * 2 // 3)]) + "… Xem thêm"
    elif kind == 3:
        text = rng.choice(REPORTER_PREFIXES) + text + rng.choice(REPORTER_SUFFIXES)
    elif kind == 4:
        text = text.upper().replace(". ", ".\n\n")
    if link and index % 2 == 1:
        link = link + ("&" if "?" in link else "?") + "utm_source=zalo&fbclid=IwAR0demo"
    return text, link


def seed_demo() -> DemoSummary:
    """Create what is missing of the demo: staff, reports (grouped), publications (flushed; the
    caller commits). Running it again adds nothing."""
    summary = DemoSummary()
    for email, role, province_code, name in DEMO_STAFF:
        centre = centre_for_province(province_code) if province_code else national_centre()
        user = find_user_by_email(email) or create_user(
            email, DEMO_PASSWORD, role, centre, name=name
        )
        if user.two_factor_required and user.totp_secret is None:
            user.totp_secret, user.totp_enrolled_at = DEMO_TOTP_SECRET, utcnow()
        summary.staff.append((email, role, centre.name))
    if db_has_demo_reports():
        summary.skipped = True
    else:
        _add_demo_reports(summary)
    summary.processed = _process_demo_reports()
    if db.session.scalar(select(Verdict.id).limit(1)) is None:
        summary.published = _publish_demo_examples()
    if db.session.scalar(select(TakedownRequest.id).limit(1)) is None:
        summary.takedowns = _demo_takedowns()
    return summary


def _add_demo_reports(summary: DemoSummary) -> None:
    # bandit B311 accepted: reproducible demo data, not security.
    rng = random.Random(2026)  # nosec B311
    now = utcnow()
    for story, (text, link, platform, hint, provinces, count) in enumerate(STORIES):
        first_seen = now - timedelta(hours=STORY_AGES_HOURS[story])
        for index in range(count):
            content, url = _variant(text, link, index, rng)
            fields = ReportInput(
                content=content,
                url=url,
                platform=platform,
                province_code=provinces[index % len(provinces)],
                category_hint=hint,
                contact_email=f"nguoidan{len(summary.report_ids) + 1}@example.vn"
                if index % 3 == 0
                else None,
                contact_consent=index % 3 == 0,
                source=ReportSource.DEMO,
            )
            report = accept_report(fields, [])
            # Later copies arrive over the following hours, all before now.
            report.created_at = first_seen + (now - first_seen) * index / (count + 1)
            summary.report_ids.append(report.id)


def _process_demo_reports() -> int:
    """Group the demo reports not grouped yet, here and now, as the worker would."""
    from tingia.matching.service import process_report

    report_ids = db.session.scalars(
        select(Report.id)
        .where(Report.source == ReportSource.DEMO, Report.processed_at.is_(None))
        .order_by(Report.created_at, Report.id)
    ).all()
    for report_id in report_ids:
        process_report(report_id)
    return len(report_ids)


def _publish_demo_examples() -> list[str]:
    """Draft and publish the demo verdict and warning through the workflow, as staff would."""
    from tingia.cases.rules import WorkflowError
    from tingia.publishing import service as publishing
    from tingia.triage import service

    done = []
    for story, author_email, publisher_email, category, content in DEMO_PUBLICATIONS:
        # The first copy of a story is sent unchanged (see _variant).
        report = db.session.scalar(
            select(Report)
            .where(Report.source == ReportSource.DEMO, Report.content == STORIES[story][0])
            .order_by(Report.id)
            .limit(1)
        )
        author, publisher = find_user_by_email(author_email), find_user_by_email(publisher_email)
        if report is None or report.case is None or author is None or publisher is None:
            continue
        case = report.case
        try:
            service.assign(case, author.id, author)
            service.triage(case, category, author)
            publishing.save_publication(case, content, author)
            verdict = publishing.publish(case, publisher)
        except WorkflowError as error:  # someone already worked on this case: leave it
            done.append(f"case #{case.id} skipped ({error})")
            continue
        path = "verdicts" if verdict.kind == PublicationKind.VERDICT else "warnings"
        done.append(f"case #{case.id}: /{path}/{verdict.slug}")
    return done


# Removal requests of the demo: (story, who triages it as what, channel, hours ago it was sent,
# outcome, hours after the request the outcome was recorded, who recorded it).
DEMO_TAKEDOWNS = [
    (
        2,
        "verifier.hanoi@tingia.local",
        Category.HARMFUL,
        TakedownChannel.EMAIL,
        20,
        TakedownStatus.REMOVED,
        9,
        "lead.hanoi@tingia.local",
    ),
    (
        3,
        "verifier.hcm@tingia.local",
        Category.FRAUD,
        TakedownChannel.PORTAL,
        30,
        None,
        None,
        None,
    ),
    (0, "verifier.hanoi@tingia.local", None, TakedownChannel.EMAIL, 2, None, None, None),
]


def _demo_takedowns() -> list[str]:
    """Triage two demo stories as harmful and fraud and record removal requests for three, one
    removed in time and one overdue, as staff would; whitelist a licensed newspaper and let a
    province propose a blacklisting."""
    from tingia.cases.rules import WorkflowError
    from tingia.sources import service as sources
    from tingia.takedowns import service as takedowns
    from tingia.triage import service

    now, done = utcnow(), []
    for story, who, category, channel, hours_ago, outcome, after, by in DEMO_TAKEDOWNS:
        report = db.session.scalar(
            select(Report)
            .where(Report.source == ReportSource.DEMO, Report.content == STORIES[story][0])
            .order_by(Report.id)
            .limit(1)
        )
        actor = find_user_by_email(who)
        if report is None or report.case is None or actor is None or not report.canonical_url:
            continue
        case = report.case
        try:
            if category is not None:
                service.triage(case, category, actor)
            sent = now - timedelta(hours=hours_ago)
            item = takedowns.request_takedown(
                case, report.canonical_url, channel, actor, "Gửi bộ phận pháp lý", now=sent
            )
            if outcome is not None:
                answered = sent + timedelta(hours=after)
                takedowns.update_takedown(item, outcome, find_user_by_email(by), now=answered)
        except WorkflowError as error:
            done.append(f"case #{case.id} skipped ({error})")
            continue
        done.append(f"case #{case.id}: {item.url} ({item.status})")
    lead = find_user_by_email("lead@tingia.local")
    press = sources.attribute("https://vnexpress.net/thoi-su")
    if lead is not None and press is not None:
        sources.set_list(press, SourceList.WHITE, "Báo điện tử được cấp phép", lead)
    zalo_group = sources.attribute("https://zalo.me/g/congtacvien-tiktok-2026")
    proposer = find_user_by_email("lead.hcm@tingia.local")
    if zalo_group is not None and proposer is not None:
        sources.propose(zalo_group, SourceList.BLACK, "Nhóm lừa đảo việc làm online", proposer)
    return done


def db_has_demo_reports() -> bool:
    """True once demo reports were added."""
    return (
        db.session.scalar(select(Report.id).where(Report.source == ReportSource.DEMO).limit(1))
        is not None
    )

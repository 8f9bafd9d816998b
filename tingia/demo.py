"""Demo data for `flask seed --demo`: staff of three centres and a few dozen reports.

The stories are invented for the demo, written the way such posts circulate; several are sent
more than once in different shapes (without diacritics, as an excerpt, with the reporter's own
words around a paste, behind a tracking link) so the worker groups them into shared cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select

from tingia.auth.service import create_user, find_user_by_email
from tingia.centres.scoping import centre_for_province, national_centre
from tingia.extensions import db
from tingia.intake.service import ReportInput, accept_report
from tingia.jobs import enqueue_report
from tingia.matching.normalise import fold_diacritics
from tingia.models import Report

DEMO_PASSWORD = "demo-tingia-2026"
DEMO_STAFF = [
    ("admin@tingia.local", "admin", None, "Quản trị quốc gia"),
    ("lead@tingia.local", "lead", None, "Trưởng nhóm quốc gia"),
    ("verifier@tingia.local", "verifier", None, "Kiểm chứng viên quốc gia"),
    ("lead.hanoi@tingia.local", "lead", "01", "Trưởng nhóm Hà Nội"),
    ("verifier.hanoi@tingia.local", "verifier", "01", "Kiểm chứng viên Hà Nội"),
    ("verifier2.hanoi@tingia.local", "verifier", "01", "Kiểm chứng viên Hà Nội 2"),
    ("lead.hcm@tingia.local", "lead", "79", "Trưởng nhóm TP.HCM"),
    ("verifier.hcm@tingia.local", "verifier", "79", "Kiểm chứng viên TP.HCM"),
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
        "fraud",
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
        "fraud",
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
        "fraud",
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
        "harmful",
        ["66", "66"],
        2,
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
    """What seed_demo added, and the reports still to hand to the worker."""

    staff: list[str] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    skipped: bool = False

    def enqueue(self) -> None:
        """Queue the new reports (after commit); Redis down just leaves them for the sweeper."""
        for report_id in self.report_ids:
            enqueue_report(report_id)

    def describe(self) -> str:
        """A summary for the terminal, with the demo logins."""
        lines = [
            "demo reports: already present"
            if self.skipped
            else f"demo reports added: {len(self.report_ids)}"
        ]
        lines.append(f"demo logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {email:34} {role:9} {where}" for email, role, where in self.staff]
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
    """Create demo staff and reports unless they exist (flushed; the caller commits)."""
    summary = DemoSummary()
    for email, role, province_code, name in DEMO_STAFF:
        centre = centre_for_province(province_code) if province_code else national_centre()
        if find_user_by_email(email) is None:
            create_user(email, DEMO_PASSWORD, role, centre, name=name)
        summary.staff.append((email, role, centre.name))
    if db_has_demo_reports():
        summary.skipped = True
        return summary
    rng = random.Random(2026)
    for text, link, platform, hint, provinces, count in STORIES:
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
                source="demo",
            )
            summary.report_ids.append(accept_report(fields, []).id)
    return summary


def db_has_demo_reports() -> bool:
    """True once demo reports were added."""
    return db.session.scalar(select(Report.id).where(Report.source == "demo").limit(1)) is not None

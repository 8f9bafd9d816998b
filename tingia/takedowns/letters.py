"""The text of an emailed removal request, in Vietnamese (the language of the request whatever
the language of the staff page). Pure: the service gathers the facts."""

from __future__ import annotations

from dataclasses import dataclass

LEGAL_BASIS = (
    "Căn cứ Nghị định số 147/2024/NĐ-CP ngày 09 tháng 11 năm 2024 của Chính phủ về quản lý, "
    "cung cấp, sử dụng dịch vụ Internet và thông tin trên mạng, doanh nghiệp cung cấp dịch vụ "
    "có trách nhiệm ngăn chặn, gỡ bỏ thông tin vi phạm pháp luật chậm nhất 24 giờ kể từ khi "
    "nhận được yêu cầu của cơ quan có thẩm quyền."
)


@dataclass(frozen=True)
class LetterFacts:
    """What a removal request says: who asks, whom, about what, by when."""

    centre: str
    platform: str
    case_id: int
    urls: tuple[str, ...]
    reason: str
    requested_at: str  # local time, as printed
    due_at: str


@dataclass(frozen=True)
class Letter:
    """An email ready to send."""

    subject: str
    body: str


def removal_request(facts: LetterFacts) -> Letter:
    """The email asking the platform to remove the URLs within 24 hours."""
    links = "\n".join(f"{number}. {url}" for number, url in enumerate(facts.urls, 1))
    subject = f"[{facts.centre}] Yêu cầu gỡ bỏ thông tin vi phạm pháp luật – hồ sơ #{facts.case_id}"
    body = f"""Kính gửi: Bộ phận xử lý yêu cầu của cơ quan chức năng – {facts.platform}

{facts.centre} đề nghị Quý công ty ngăn chặn, gỡ bỏ các nội dung sau:

{links}

Lý do: {facts.reason}

{LEGAL_BASIS}

Yêu cầu được gửi lúc {facts.requested_at}. Đề nghị Quý công ty hoàn thành việc gỡ bỏ trước \
{facts.due_at} và phản hồi kết quả qua thư điện tử này, ghi rõ số hồ sơ #{facts.case_id}.

Trân trọng,
{facts.centre}
"""
    return Letter(subject=subject, body=body)

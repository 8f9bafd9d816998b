"""Texts and images shared by the matching unit tests (written for the tests, not copied)."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

POST = (
    "Bộ Y tế cảnh báo về loại thuốc giả đang được bán tràn lan trên mạng xã hội.\n"
    "Theo thông báo phát đi sáng nay, cơ quan quản lý dược đã phát hiện một lô thuốc hạ sốt "
    "mang nhãn hiệu quen thuộc nhưng không có hoạt chất, được quảng cáo là hàng xách tay từ "
    "Nhật Bản với giá rẻ hơn một nửa so với nhà thuốc.\n"
    "Người dân được khuyến cáo chỉ mua thuốc tại các cơ sở được cấp phép, kiểm tra kỹ mã số "
    "lô sản xuất và báo ngay cho cơ quan chức năng khi phát hiện sản phẩm có dấu hiệu bất "
    "thường. Các tài khoản bán hàng liên quan đã bị yêu cầu gỡ bỏ bài đăng trong vòng 24 giờ."
)
OTHER_POST = (
    "Mưa lớn kéo dài từ đêm qua khiến nhiều tuyến phố ở trung tâm thành phố ngập sâu, giao "
    "thông ùn tắc nghiêm trọng vào giờ cao điểm buổi sáng.\n"
    "Lực lượng cứu hộ đã được huy động để hỗ trợ người dân di chuyển qua các điểm ngập, trong "
    "khi đơn vị thoát nước cho biết sẽ vận hành toàn bộ trạm bơm đến khi nước rút hẳn. Cơ quan "
    "khí tượng dự báo mưa còn tiếp diễn đến cuối tuần."
)
FOOTER = (
    "Theo dõi Báo Tin Nhanh trên Facebook và Zalo để cập nhật tin tức nóng nhất mỗi ngày. "
    "Mời độc giả gửi tin bài, hình ảnh, video về tòa soạn qua email."
)
_VOCABULARY = (
    "người dân chính quyền thành phố tỉnh huyện xã cơ quan công an bệnh viện trường học giáo "
    "viên học sinh giá xăng thị trường ngân hàng tiền đồng đô la công ty nhà máy sản xuất xuất "
    "khẩu nông dân lúa gạo cà phê mưa bão lũ lụt giao thông tai nạn xe máy ô tô đường cao tốc "
    "sân bay máy bay chuyến bay khách hàng điện thoại mạng xã hội thông tin tin giả cảnh báo "
    "lừa đảo tài khoản mật khẩu chuyển khoản điều tra khởi tố bắt giữ xét xử tòa án bản án "
    "năm tháng ngày tuần sáng chiều tối hôm qua hôm nay cho biết theo đó tuy nhiên ngoài ra "
    "trong khi đồng thời sau khi trước đó hiện nay nhiều hơn ít nhất khoảng gần hơn triệu tỷ"
)


def long_text(seed: int, n_words: int = 400) -> str:
    """A long pseudo-article of common Vietnamese news words (same seed, same text)."""
    rng = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < n_words:
        words = rng.choices(_VOCABULARY.split(), k=rng.randint(10, 22))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def screenshot_png(text: str, width: int = 360, dark: bool = False, fmt: str = "PNG") -> bytes:
    """A small phone screenshot of a post: header, then the text wrapped to the width."""
    scale = width / 360
    bg, fg = ((24, 25, 26), (228, 230, 235)) if dark else ((255, 255, 255), (10, 10, 10))
    img = Image.new("RGB", (width, int(width * 1.3)), bg)
    draw = ImageDraw.Draw(img)
    bold = ImageFont.truetype(FONT, int(14 * scale))
    font = ImageFont.truetype(FONT, int(15 * scale))
    draw.ellipse((10 * scale, 8 * scale, 40 * scale, 38 * scale), fill=(24, 119, 242))
    draw.text((48 * scale, 14 * scale), "Tin Nóng 24h · 2 giờ", font=bold, fill=fg)
    y, line = 50 * scale, ""
    for word in text.split():
        if draw.textlength(f"{line} {word}", font=font) > width - 24 * scale:
            draw.text((12 * scale, y), line, font=font, fill=fg)
            y, line = y + 21 * scale, word
        else:
            line = f"{line} {word}".strip()
    draw.text((12 * scale, y), line, font=font, fill=fg)
    buf = io.BytesIO()
    img.save(buf, fmt, **({"quality": 60} if fmt == "JPEG" else {}))
    return buf.getvalue()


def photo(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A photo-like image unique to the seed: gradient, random shapes and noise."""
    rng = random.Random(seed)
    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(10):
        x, y = rng.randrange(w), rng.randrange(h)
        box = (x, y, x + rng.randrange(30, w // 2), y + rng.randrange(30, h // 2))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    noise = Image.effect_noise(size, 12).convert("RGB")
    return Image.blend(img, noise, 0.08)


def encode(img: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    """Image bytes in a format."""
    buf = io.BytesIO()
    img.save(buf, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()

"""Photos robust to crops, captions and frames; screenshots of posts; claims of rewrites.

The photos are real (scikit-image's sample data, see bench/photos.py): the stereo pair is two
shots of one scene a few centimetres apart, the near miss that must never group.
"""

import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from bench import photos, screens
from tingia.matching import index
from tingia.matching.images import (
    LOOKUP_CUTS,
    REGION_CUTS,
    Features,
    ImageFingerprint,
    OcrLine,
    embedded_photo,
    fingerprint_image,
    hamming,
    is_text_heavy,
    pack_features,
    pack_hashes,
    screenshot_post_text,
    to_signed,
    unpack_features,
    unpack_hashes,
)
from tingia.matching.scoring import (
    DEFAULT_AUTO_THRESHOLD,
    FEW_INLIERS,
    MIN_INLIERS,
    PHOTO_CANDIDATE_BITS,
    Framing,
    PhotoMatch,
    build_signals,
    decide,
    few_inliers_copy,
    photo_evidence,
    photo_similarity,
    region_distance,
    score_reports,
    verify_photos,
)
from tingia.matching.textsim import claim_keys, claim_similarity, claim_terms

BASES = {base.name: base for base in photos.load_base_photos("skimage")}
FONTS = {"bold": screens.FONTS["dejavu"][1]}


def fp(img, quality=85):
    return fingerprint_image(photos.encode_jpeg(img, quality), ocr=False)


@pytest.fixture(scope="module")
def coffee():
    return BASES["coffee"].story_photo()


@pytest.mark.parametrize(
    "variant",
    [
        "cropped_two_sides",
        "cropped_four_sides",
        "caption_over",
        "caption_below",
        "watermark",
        "border",
        "quarter_size",
    ],
)
def test_copies_of_a_photo_are_the_same_photo(coffee, variant):
    rng = random.Random(3)
    copy = {
        "cropped_two_sides": lambda: photos.crop_sides(coffee, rng, 2, 0.1, 0.15),
        "cropped_four_sides": lambda: photos.crop_sides(coffee, rng, 4, 0.05, 0.1),
        "caption_over": lambda: photos.caption_over(coffee, "Sự thật về vụ việc", FONTS, rng),
        "caption_below": lambda: photos.caption_below(coffee, "Sự thật về vụ việc", FONTS, rng),
        "watermark": lambda: photos.watermark(coffee, "Tin Nóng 24h", FONTS, rng),
        "border": lambda: photos.border(coffee, rng),
        "quarter_size": lambda: photos.resize(coffee, 0.25),
    }[variant]()
    original, copied = fp(coffee), fp(copy, quality=40)
    assert original.has_photo and copied.has_photo
    assert photo_similarity(original, copied) >= 70


def test_two_shots_of_one_scene_are_different_photos():
    base = BASES["stereo_motorcycle"]
    left, right = fp(base.story_photo()), fp(base.second_shot)
    match = verify_photos(left.features, right.features)
    assert match.inliers >= 12  # the scene is the same: many features agree...
    assert not match.contained  # ...but each shot shows what the other does not
    assert photo_similarity(left, right) == 0.0
    # A crop of the left shot stays the left shot.
    cropped = fp(photos.crop_sides(base.story_photo(), random.Random(1), 2, 0.08, 0.12))
    assert photo_similarity(left, cropped) >= 70


def test_a_shifted_second_shot_is_a_different_photo(coffee):
    shot = photos.second_shot(BASES["hubble_deep_field"], random.Random(2))
    first = fp(BASES["hubble_deep_field"].story_photo())
    assert photo_similarity(first, fp(shot)) == 0.0


def test_a_photo_inside_a_screenshot_of_a_post_is_found(coffee):
    style = screens.ScreenStyle(app="facebook", width=720, css_width=390)
    shot, _ = screens.render_post("Mọi người xem ảnh này", style, photo=coffee, seed=1)
    box = embedded_photo(shot)
    assert box is not None and box[2] - box[0] >= 0.9 * shot.width
    found = fingerprint_image(photos.encode_png(shot), ocr=False)
    assert found.has_photo
    assert photo_similarity(found, fp(coffee)) >= 70
    text_only, _ = screens.render_post("Một bài đăng chỉ có chữ. " * 20, style, seed=1)
    assert embedded_photo(text_only) is None


@pytest.mark.parametrize("app", screens.APPS)
@pytest.mark.parametrize("dark", [False, True])
def test_screenshots_of_every_app_are_text_heavy(app, dark):
    style = screens.ScreenStyle(app=app, width=412, dark=dark, font="dejavu")
    shot, visible = screens.render_post("Bộ Y tế khuyến cáo người dân cẩn trọng. " * 15, style)
    assert visible
    assert is_text_heavy(shot)


def test_photos_are_not_text_heavy(coffee):
    for base in BASES.values():
        assert not is_text_heavy(base.story_photo()), base.name


def test_post_text_sets_the_chrome_aside():
    lines = [
        OcrLine("9:41 4G 85%", 20, 90),  # status bar: smaller
        OcrLine("Tin Nóng 24h", 33, 95),  # page name: the body's size, kept
        OcrLine("2 giờ · Công khai", 22, 92),
        OcrLine("Bộ Y tế khuyến cáo người dân uống nước", 34, 93),
        OcrLine("chanh ấm pha muối mỗi sáng để diệt virus", 35, 91),
        OcrLine("@@ ~", 34, 12),  # an icon read as garbage
        OcrLine("1,2K 348 bình luận", 22, 90),
        OcrLine("Trang chủ Bạn bè Hộp thư", 18, 90),
    ]
    kept = screenshot_post_text(lines).split("\n")
    assert kept == [
        "Tin Nóng 24h",
        "Bộ Y tế khuyến cáo người dân uống nước",
        "chanh ấm pha muối mỗi sáng để diệt virus",
    ]
    assert screenshot_post_text([]) == ""


ARTICLE = (
    "Ông Nguyễn Văn An, Chủ tịch UBND xã Ia Băng, huyện Đak Đoa, tỉnh Gia Lai bị bắn trọng "
    "thương tối 13/10. Công an tỉnh Gia Lai cho biết nghi phạm đã dùng súng tự chế, khoảng "
    "20.000 người dân trong xã được thông báo. Bệnh viện Đa khoa tỉnh Gia Lai đang điều trị. "
)
REWRITE = (
    "Theo thông tin từ mạng xã hội, tối 13/10 một cán bộ ở Đak Đoa là Nguyễn Văn An đã bị "
    "kẻ gian nổ súng. Lực lượng chức năng ở Gia Lai xác định hung thủ sử dụng vũ khí tự chế; "
    "chính quyền đã báo tin cho chừng 20.000 cư dân. Nạn nhân đang nằm viện. "
)


def test_claims_of_a_rewrite_suggest_but_never_join():
    a, b = claim_terms(ARTICLE), claim_terms(REWRITE)
    assert {"p:gia lai", "p:nguyen van an", "n:1310", "n:20000"} <= a
    score = claim_similarity(a, b)
    assert 45 <= score <= 60
    assert decide(score, 70, 45, "claim") == "suggest"
    assert decide(95, 70, 45, "claim") == "suggest"  # even under a lowered auto threshold
    assert decide(95, 70, 45, "text") == "attach"
    assert set(claim_keys(a)) & set(claim_keys(b))


def test_same_people_without_the_same_facts_is_no_claim():
    other = (
        "Ông Nguyễn Văn An ở Gia Lai vừa được khen thưởng vì thành tích trồng rừng, tỉnh "
        "Gia Lai tổ chức lễ trao tặng tại Đak Đoa cho các hộ dân."
    )
    assert claim_similarity(claim_terms(ARTICLE), claim_terms(other)) == 0.0


def test_region_hashes_pack_round_trip():
    values = (-(2**63), -1, 0, 1, 2**63 - 1)
    assert unpack_hashes(pack_hashes(values)) == values
    assert unpack_hashes(None) == ()


def test_multi_index_hashing_finds_what_a_scan_finds():
    rng = np.random.default_rng(5)
    stored = rng.integers(0, 2**63, 5000, dtype=np.int64)
    cache = index._PhotoHashCache()
    rows = [(i + 1, i // 13 + 1, int(value)) for i, value in enumerate(stored)]
    cache._append(rows[:4000])
    cache._sort()
    cache._append(rows[4000:])  # an unsorted tail, scanned directly
    queries = []
    for i in (3, 1200, 4500):  # near copies of stored hashes: 0-7 bits flipped
        value = int(stored[i])
        for bit in rng.choice(64, int(rng.integers(0, 8)), replace=False):
            value ^= 1 << int(bit)
        queries.append(value - (1 << 64) if value >= 1 << 63 else value)
    found = cache.near(queries, 10, 50)
    unsigned = stored.astype(np.uint64)
    expected = set()
    for q in queries:
        distances = np.bitwise_count(unsigned ^ np.uint64(q & (2**64 - 1)))
        expected |= {i // 13 + 1 for i in np.flatnonzero(distances <= 7)}
    assert expected <= set(found)
    assert {3 // 13 + 1, 1200 // 13 + 1, 4500 // 13 + 1} <= set(found)


def test_lookup_hashes_find_stored_hashes_near_them():
    rng = np.random.default_rng(6)
    stored = rng.integers(0, 2**63, 5000, dtype=np.int64)
    cache = index._PhotoHashCache()
    cache._append([(i + 1, i // 13 + 1, int(value)) for i, value in enumerate(stored)])
    cache._sort()
    grid = [int(stored[100]) ^ 0b111, int(stored[2600]) ^ (1 << 40)]  # 3 bits, 1 bit away
    grid += [int(value) for value in rng.integers(0, 2**63, 78, dtype=np.int64)]  # unmatched
    assert cache.near([], 10, 50, grid)[:2] == [2600 // 13 + 1, 100 // 13 + 1]  # nearest first
    assert cache.near([int(stored[4000])], 10, 50, grid)[0] == 4000 // 13 + 1


def test_grid_lookups_find_what_a_full_scan_finds():
    """Each grid hash is compared only with the rows its own probes read: everything within 7
    bits of one of them is found (one of the first two chunks is then within two bits, or the
    third within one), nothing beyond 10."""
    rng = np.random.default_rng(5)
    stored = rng.integers(0, 2**63, 20_000, dtype=np.int64).view(np.uint64)
    cache = index._PhotoHashCache()
    cache._append([(i + 1, i // 13 + 1, to_signed(int(v))) for i, v in enumerate(stored)])
    cache._sort()
    grid = []
    for row in rng.choice(len(stored), 60, replace=False):
        flips = rng.choice(64, int(rng.integers(0, 12)), replace=False)
        grid.append(int(stored[row]) ^ sum(1 << int(bit) for bit in flips))
    grid += [int(v) for v in rng.integers(0, 2**63, 20, dtype=np.int64)]
    distances = np.bitwise_count(stored[:, None] ^ np.array(grid, dtype=np.uint64)[None, :])
    report_of = np.arange(len(stored)) // 13 + 1
    within = {bits: set(report_of[distances.min(axis=1) <= bits].tolist()) for bits in (7, 10)}
    found = set(cache.near([], 10, 1000, [to_signed(g) for g in grid]))
    assert within[7] <= found <= within[10]
    assert len(within[7]) > 30


def test_new_photo_hashes_are_merged_into_the_chunk_index():
    rng = np.random.default_rng(7)
    stored = rng.integers(-(2**63), 2**63 - 1, 3 * index.TAIL_ROWS + 1, dtype=np.int64)
    rows = [(i + 1, i // 13 + 1, int(value)) for i, value in enumerate(stored)]
    cache = index._PhotoHashCache()
    cache._append(rows[: 2 * index.TAIL_ROWS])
    cache._index_new_rows()  # nothing indexed yet: sorted in full
    assert cache.sorted_size == 2 * index.TAIL_ROWS
    cache._append(rows[2 * index.TAIL_ROWS : 2 * index.TAIL_ROWS + 10])
    cache._index_new_rows()  # a short tail stays unsorted (scanned)
    assert cache.sorted_size == 2 * index.TAIL_ROWS
    cache._append(rows[2 * index.TAIL_ROWS + 10 :])
    cache._index_new_rows()  # a long tail is merged in
    assert cache.sorted_size == cache.size == len(rows)
    unsigned = stored.view(np.uint64)
    for chunk in range(3):
        values = index._chunk_values(unsigned, chunk)
        chunk_of_rows = values[cache.chunk_rows[chunk]]
        assert np.array_equal(chunk_of_rows, np.sort(values))  # every row, sorted by value
        starts = cache.chunk_starts[chunk]  # each value's rows start where it says
        assert np.array_equal(starts[chunk_of_rows], np.searchsorted(chunk_of_rows, chunk_of_rows))
        assert starts[-1] == len(rows)
        assert np.array_equal(cache.chunk_hashes[chunk], unsigned[cache.chunk_rows[chunk]])
    value = int(stored[-5]) ^ 0b1011  # a near copy of a merged row
    assert cache.near([value], 10, 5)[0] == rows[-5][1]


def test_a_coloured_frame_is_trimmed_like_a_white_one(coffee):
    from tingia.matching.images import _trim_border

    for colour in ((255, 255, 255), (200, 0, 0), (20, 90, 200)):
        framed = Image.new("RGB", (coffee.width + 40, coffee.height + 90), colour)
        framed.paste(coffee, (20, 20))
        assert _trim_border(framed).size == coffee.size, colour


def test_a_flat_coloured_edge_of_a_photo_is_not_trimmed():
    from tingia.matching.images import _trim_border

    sky = np.zeros((200, 300, 3), np.uint8)
    sky[:] = (90, 150, 230)
    sky[:, :, 2] = np.linspace(200, 250, 300).astype(np.uint8)  # a gradient: not one colour
    sky[100:] = np.random.default_rng(1).integers(0, 255, (100, 300, 3))
    photo = Image.fromarray(sky)
    assert _trim_border(photo).size == photo.size


@pytest.mark.parametrize("app", ["facebook", "zalo", "tiktok"])
def test_a_dark_photo_on_a_dark_page_is_found(app, coffee):
    night = ImageEnhance.Brightness(coffee).enhance(0.3)  # a photo taken at night
    style = screens.ScreenStyle(app=app, width=540, css_width=360, dark=True)
    shot, _ = screens.render_post("Ảnh đang lan truyền", style, photo=night, seed=3)
    box = embedded_photo(shot)
    assert box is not None and box[2] - box[0] >= 0.9 * shot.width
    found = fingerprint_image(photos.encode_png(shot), ocr=False)
    assert photo_similarity(found, fp(night)) >= 70


@pytest.mark.parametrize("app", screens.APPS)
def test_app_bars_and_video_frames_are_not_photos(app):
    style = screens.ScreenStyle(app=app, width=720, css_width=360, dark=app == "zalo")
    shot, _ = screens.render_post("Bộ Y tế khuyến cáo người dân cẩn trọng. " * 15, style, seed=2)
    assert embedded_photo(shot) is None


def test_a_close_second_shot_is_a_different_photo():
    for name in ("coffee", "astronaut", "chelsea"):
        base = BASES[name]
        shot = photos.second_shot(base, random.Random(4), shift=(0.04, 0.08))
        assert photo_similarity(fp(base.story_photo()), fp(shot, quality=40)) < 45, name


def test_chrome_lines_read_in_the_post_font_are_dropped():
    from tingia.matching.images import drop_chrome_lines

    read = "\n".join(
        [
            "Da follow Dành cho bạn",  # TikTok's tabs, accents lost
            "72,5K",
            "@tinnong24h 971",
            "Thanh Hoá chi gần 700 triệu cho ba cán",
            "J âm thanh gốc - tinnong24h",
            "11:56 5G 85%",
            "Thích Bình luận Chia sẻ",
            "2016.",  # a body line of a number stays
            "ở",
        ]
    )
    assert drop_chrome_lines(read).split("\n") == [
        "Thanh Hoá chi gần 700 triệu cho ba cán",
        "2016.",
        "ở",
    ]
    assert drop_chrome_lines(drop_chrome_lines(read)) == drop_chrome_lines(read)


def test_stored_claim_terms_round_trip():
    from tingia.matching.service import stored_claim_terms

    terms = claim_terms(ARTICLE)
    assert stored_claim_terms("|".join(sorted(terms))) == terms
    assert stored_claim_terms("") == frozenset()
    assert stored_claim_terms(None) == frozenset()


def _stored_only(a, b) -> int:
    """Distance between the hypotheses both photos store (what the lookup had before its grid)."""
    return min(hamming(x, y) for x in a.region_hashes for y in b.region_hashes)


def test_a_copy_cut_on_four_sides_is_found_through_the_lookup_grid():
    story = BASES["camera"].story_photo()
    original = fp(story)
    copy = fp(photos.crop_sides(story, random.Random(1), 4, 0.10, 0.15), quality=40)
    assert _stored_only(original, copy) > PHOTO_CANDIDATE_BITS  # stored hypotheses miss it
    assert region_distance(copy, original) <= PHOTO_CANDIDATE_BITS  # the copy's grid finds it
    assert region_distance(original, copy) <= PHOTO_CANDIDATE_BITS  # and so does the original's
    assert len(copy.lookup_hashes) == len(LOOKUP_CUTS) ** 4 - 1


def test_a_photo_filling_a_screenshot_that_is_not_text_heavy_is_hashed_apart():
    story = BASES["chelsea"].story_photo()
    style = screens.ScreenStyle(app="zalo", width=412, css_width=412)
    shot, _ = screens.render_post("…", style, photo=story, seed=7)
    assert not is_text_heavy(shot)  # the photo fills most of it
    found, original = fingerprint_image(photos.encode_png(shot), ocr=False), fp(story)
    assert _stored_only(original, replace(found, region_hashes=found.region_hashes[:13])) > 14
    assert len(found.region_hashes) == 2 * len(REGION_CUTS)  # the whole, then the photo band
    assert region_distance(original, found) <= 2


def test_a_quarter_of_a_small_photo_is_still_evidence(coffee):
    small = coffee.resize((360, 240))
    quarter = fp(photos.resize(small, 0.25), quality=50)
    assert (quarter.width, quarter.height) == (90, 60)
    original = fp(small)
    signals = [build_signals("", None, [image]) for image in (original, quarter)]
    assert score_reports(*signals).score >= DEFAULT_AUTO_THRESHOLD


def test_a_step_aside_contains_a_crop_of_the_first_shot_but_frames_the_first_differently():
    base = BASES["coffee"]
    first = base.story_photo()
    aside = base.parent.crop(photos._window(base.box, 0.06, 0.0))  # 6 % to the right, not turned
    crop = photos.crop_sides(first, random.Random(4), 4, 0.08, 0.12)
    shots = {name: fp(img) for name, img in (("first", first), ("aside", aside), ("crop", crop))}
    assert photo_evidence(shots["crop"], shots["first"])[:2] == (100.0, Framing.INSIDE)
    # The crop of the first shot lies inside the step-aside shot too: alone, that is a copy...
    assert photo_evidence(shots["aside"], shots["crop"])[:2] == (100.0, Framing.AROUND)
    # ...but against the first shot itself it is another framing of the scene.
    assert photo_evidence(shots["aside"], shots["first"])[:2] == (0.0, Framing.APART)


def _fewer_features(fingerprint, step: int):
    """The fingerprint with every step-th of its ORB keypoints only: a smoother photo's."""
    features = unpack_features(fingerprint.features)
    kept = Features(
        features.width,
        features.height,
        features.points[::step],
        features.descriptors[::step],
    )
    return replace(fingerprint, features=pack_features(kept))


def test_features_pack_round_trip(coffee):
    blob = fp(coffee).features
    assert pack_features(unpack_features(blob)) == blob


def test_a_smooth_copy_with_few_matches_inside_its_original_is_a_copy():
    # A photo combo (two sides cut, a caption over it, half size, JPEG 40) of a photo with a
    # sixth of chelsea's keypoints: the smooth dev-set photos keep 3-11 consistent matches.
    story = BASES["chelsea"].story_photo()
    rng = random.Random(3)
    cropped = photos.crop_sides(story, rng, 2, 0.05, 0.1)
    combo = photos.resize(photos.caption_over(cropped, "Sự thật về vụ việc", FONTS, rng), 0.5)
    original, copy = fp(story), _fewer_features(fp(combo, quality=40), 6)
    assert FEW_INLIERS <= verify_photos(copy.features, original.features).inliers < MIN_INLIERS
    score, framing, _ = photo_evidence(copy, original)
    assert score >= DEFAULT_AUTO_THRESHOLD and framing == Framing.INSIDE


@pytest.mark.parametrize("step", [8, 10, 12, 16])
def test_a_close_second_shot_with_few_matches_is_no_copy(step):
    for name in ("coffee", "chelsea", "astronaut"):
        base = BASES[name]
        shot = photos.second_shot(base, random.Random(4), shift=(0.04, 0.08))
        first, aside = fp(base.story_photo()), _fewer_features(fp(shot, quality=40), step)
        assert verify_photos(aside.features, first.features).inliers < MIN_INLIERS
        assert photo_evidence(aside, first)[0] < DEFAULT_AUTO_THRESHOLD, (name, step)


def _photo(region_hash: int) -> ImageFingerprint:
    return ImageFingerprint("", 400, 300, 0, 0, None, False, "", True, (region_hash,))


@pytest.mark.parametrize(
    ("match", "copy"),
    [
        (PhotoMatch(FEW_INLIERS, 0.0, 0.2, 0.1), True),  # a crop: inside, 20 % of b outside it
        (PhotoMatch(FEW_INLIERS - 1, 0.0, 0.2, 0.1), False),  # too few to say
        (PhotoMatch(FEW_INLIERS, 0.0, 0.0, 0.0), False),  # the same frame: no crop (app chrome)
        (PhotoMatch(FEW_INLIERS, 0.2, 0.0, 0.0), False),  # b inside a: a step aside can be
        (PhotoMatch(FEW_INLIERS, 0.0, 0.2, 1.5), False),  # turned: another shot
        (PhotoMatch(FEW_INLIERS, 0.1, 0.1, 0.0), False),  # each shows what the other does not
    ],
)
def test_few_matches_make_a_copy_only_of_a_crop_inside_its_original(match, copy):
    assert few_inliers_copy(_photo(0), _photo(0b1111), match) is copy
    far = (1 << (PHOTO_CANDIDATE_BITS + 1)) - 1  # crop hypotheses too far apart
    assert few_inliers_copy(_photo(0), _photo(far), match) is False

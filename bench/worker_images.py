"""Worker time for one request of five 49-megapixel PNGs (issue 8, item 9).

    python -m bench.worker_images [--images 5] [--side 7000] [--runs 1]

Builds the images (flat colour with a few shapes: 0.16 MB each, as in the report of the
defect), submits them in one request through the real web form (test client, a scratch SQLite
database and upload folder), then runs the worker's processing of that report in this process
and prints the measured figures: request size, intake time, worker time per report and per
image, how many images were fingerprinted, and the peak resident memory.

The script only uses what every version of Tingia has (create_app, the form, process_report), so
it runs unchanged against an older checkout to measure "before".
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time

from PIL import Image, ImageDraw


def big_png(side: int, seed: int) -> bytes:
    """A side x side PNG that compresses to ~0.16 MB at 7000 px."""
    image = Image.new("RGB", (side, side), (200, 30 + seed * 20, 30))
    draw = ImageDraw.Draw(image)
    for i in range(20):
        x = i * side // 23
        draw.rectangle([x, x, x + side // 14, x + side // 35], fill=(10 * i, 100, 200 - 5 * i))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5)
    parser.add_argument("--side", type=int, default=7000, help="7000: 49 MP")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    from tingia import create_app
    from tingia.centres.service import seed_provinces_and_centres
    from tingia.extensions import db
    from tingia.matching.service import process_report
    from tingia.models import Attachment, Report

    pngs = [big_png(args.side, seed) for seed in range(args.images)]
    request_mb = sum(len(data) for data in pngs) / 1e6
    megapixels = args.side * args.side / 1e6
    print(
        f"request: {args.images} PNGs of {args.side}x{args.side} ({megapixels:.0f} MP), "
        f"{request_mb:.2f} MB"
    )
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="tingia-bench-images-") as tmp:
            app = create_app(
                {
                    "ENV": "testing",
                    "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                    "UPLOAD_DIR": f"{tmp}/uploads",
                    "RATELIMIT_ENABLED": False,
                    "WTF_CSRF_ENABLED": False,
                    "JOBS_ENQUEUE_ON_COMMIT": False,
                    "REDIS_URL": "redis://127.0.0.1:1/0",  # never used: nothing is enqueued
                }
            )
            with app.app_context():
                db.create_all()
                seed_provinces_and_centres()
                db.session.commit()
                form = {
                    "content": "Ảnh vệ tinh cho thấy đê bị vỡ, chia sẻ ngay",
                    "platform": "facebook",
                    "province": "01",
                    "images": [(io.BytesIO(data), f"big{n}.png") for n, data in enumerate(pngs)],
                }
                began = time.perf_counter()
                response = app.test_client().post(
                    "/report", data=form, content_type="multipart/form-data"
                )
                intake_s = time.perf_counter() - began
                report_id = db.session.query(Report.id).scalar()
                print(f"run {run}: intake HTTP {response.status_code} in {intake_s:.2f} s")
                if report_id is None:
                    print(f"run {run}: the report was refused; nothing for the worker")
                    continue
                began = time.perf_counter()
                outcome = process_report(report_id)
                db.session.commit()
                worker_s = time.perf_counter() - began
                attachments = db.session.query(Attachment).all()
                hashed = sum(1 for item in attachments if item.phash is not None)
                stored_mb = sum(item.size_bytes for item in attachments) / 1e6
                print(
                    f"run {run}: worker {worker_s:.2f} s for the report "
                    f"({worker_s / max(1, len(attachments)):.2f} s per image), "
                    f"outcome {outcome['outcome']}, fingerprinted {hashed}/{len(attachments)}, "
                    f"stored {stored_mb:.2f} MB"
                )
                db.session.remove()
                db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

"""The shared match index on the real database: the lookup statement and the photo-hash cache,
which every worker keeps in its own memory and must keep in step with what others commit."""

from sqlalchemy import delete, insert

from tests import factories
from tingia.matching import index
from tingia.models import CaseStatus, PhotoHash

PHOTO = 0x0F0F_3C3C_A5A5_5A5A
OTHER_PHOTO = -0x1234_5678_9ABC_DEF0


def _grouped_report(db):
    case = factories.case()
    db.session.commit()
    return case.reports[0], case


def test_photo_cache_sees_what_another_worker_committed(db):
    first, _ = _grouped_report(db)
    second, _ = _grouped_report(db)
    index.store_keys(first.id, set(), [PHOTO])
    db.session.commit()
    assert index.candidates_by_photo([PHOTO ^ 0b101]) == [first.id]  # cache loaded here
    # Another worker (its own connection and transaction) groups a report with a photo.
    with db.engine.begin() as connection:
        connection.execute(insert(PhotoHash), [{"report_id": second.id, "phash": OTHER_PHOTO}])
    assert index.candidates_by_photo([OTHER_PHOTO ^ 0b11]) == [second.id]
    assert index.candidates_by_photo([PHOTO], exclude_report_id=first.id) == []


def test_photo_cache_starts_again_when_the_table_was_refilled(db):
    first, _ = _grouped_report(db)
    second, _ = _grouped_report(db)
    index.store_keys(first.id, set(), [PHOTO])
    db.session.commit()
    assert index.candidates_by_photo([PHOTO]) == [first.id]
    last_id = db.session.query(PhotoHash.id).scalar()
    # A restore: the table emptied and refilled, the same id now holding another report's photo.
    db.session.execute(delete(PhotoHash))
    db.session.execute(
        insert(PhotoHash), [{"id": last_id, "report_id": second.id, "phash": OTHER_PHOTO}]
    )
    db.session.commit()
    assert index.candidates_by_photo([PHOTO]) == []
    assert index.candidates_by_photo([OTHER_PHOTO]) == [second.id]


def test_lookup_reads_candidates_of_open_cases_or_of_the_states_asked(db):
    keys = {11, 22, 33}
    reports = []
    for status in (CaseStatus.OPEN, CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        report, case = _grouped_report(db)
        case.status = status
        index.store_keys(report.id, keys, [])
        reports.append(report)
    db.session.commit()
    open_, published, closed = (report.id for report in reports)

    def found(**kwargs):
        return {row[0] for row in index.lookup_rows(keys, [], **kwargs)}

    assert found() == {open_, published}
    assert found(statuses=(CaseStatus.PUBLISHED,)) == {published}
    assert found(statuses=(CaseStatus.OPEN, CaseStatus.CLOSED)) == {open_, closed}
    assert found(exclude_report_id=open_) == {published}
    assert found(statuses=(CaseStatus.CLOSED,), exclude_report_id=closed) == set()
    # A report whose photo is a candidate, sharing no key, is read as well.
    other, _ = _grouped_report(db)
    assert {row[0] for row in index.lookup_rows(keys, [other.id])} == {open_, published, other.id}
    assert index.lookup_rows(set(), []) == []

"""B-cubed precision/recall of a clustering against gold clusters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping


def _per_item(
    pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]
) -> dict[Hashable, tuple[float, float]]:
    """B-cubed (precision, recall) of every item."""
    if pred.keys() != gold.keys():
        raise ValueError("pred and gold must label the same items")
    pred_members: dict[Hashable, set] = defaultdict(set)
    gold_members: dict[Hashable, set] = defaultdict(set)
    for item in pred:
        pred_members[pred[item]].add(item)
        gold_members[gold[item]].add(item)
    scores = {}
    for item in pred:
        same = len(pred_members[pred[item]] & gold_members[gold[item]])
        scores[item] = (
            same / len(pred_members[pred[item]]),
            same / len(gold_members[gold[item]]),
        )
    return scores


def _prf(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Mean precision and recall of items, and their harmonic mean."""
    if not pairs:
        return (0.0, 0.0, 0.0)
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (precision, recall, f1)


def bcubed(
    pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]
) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of predicted cluster labels against gold labels."""
    return _prf(list(_per_item(pred, gold).values()))


def bcubed_by_group(
    pred: Mapping[Hashable, Hashable],
    gold: Mapping[Hashable, Hashable],
    groups: Mapping[Hashable, str],
) -> dict[str, tuple[float, float, float]]:
    """B-cubed (precision, recall, F1) averaged over the items of each group (e.g. variation).

    Clusters are those of all items; only the averaging is restricted to a group's items, so a
    variation's recall says how well its reports joined the rest of their story.
    """
    per_item = _per_item(pred, gold)
    by_group: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for item, scores in per_item.items():
        by_group[groups[item]].append(scores)
    return {group: _prf(pairs) for group, pairs in sorted(by_group.items())}

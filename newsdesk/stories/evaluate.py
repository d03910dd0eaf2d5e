"""BCubed precision, recall and F1 of a clustering against gold labels (Bagga and Baldwin 1998;
Amigó et al. 2009). Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> Score:
    """For each item: precision is the share of its predicted cluster with its gold label, recall the
    share of its gold class in its predicted cluster; both averaged over the items."""
    items = list(gold)
    if not items:
        return Score(1.0, 1.0, 1.0)
    pair: Counter[tuple[Hashable, Hashable]] = Counter((predicted[i], gold[i]) for i in items)
    cluster_size: Counter[Hashable] = Counter(predicted[i] for i in items)
    class_size: Counter[Hashable] = Counter(gold[i] for i in items)
    precision = sum(pair[predicted[i], gold[i]] / cluster_size[predicted[i]] for i in items) / len(items)
    recall = sum(pair[predicted[i], gold[i]] / class_size[gold[i]] for i in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)

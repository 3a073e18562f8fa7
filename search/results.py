"""Turning an engine's raw facet counts into labelled, ordered facet results (all engines)."""

from .contract import FacetResult, FacetValue
from .facets import FACETS


def facet_results(counts, query):
    """``counts``: {facet key: {value: count}} with each facet counted disjunctively
    (ignoring its own selection). Selected values are always listed, even at 0."""
    results = []
    for facet in FACETS:
        facet_counts = dict(counts.get(facet.key, {}))
        selected = set(query.selected(facet.key))
        for value in selected:
            facet_counts.setdefault(value, 0)
        labels = facet.labels_for(facet_counts.keys())
        values = [
            FacetValue(
                value=value,
                label=labels[value].label,
                count=count,
                selected=value in selected,
                depth=labels[value].depth,
                parent=labels[value].parent,
            )
            for value, count in facet_counts.items()
            if value in labels and (count > 0 or value in selected)
        ]
        if facet.hierarchical or facet.ordered:
            values.sort(key=lambda v: (labels[v.value].order, v.value))
        else:
            values.sort(key=lambda v: (-v.count, v.label.casefold()))
        results.append(FacetResult(facet.key, facet.label, values, facet.hierarchical))
    return results

"""The in-memory facet index of the embedded engine: one Python int per facet value used
as a bitset over the documents, so filters, disjunctive facet counts, sorting and paging
run in C (``(base & value_bits).bit_count()``). Rebuilt from ``IndexedDocument`` whenever
the stamp in ``IndexVersion`` changes."""

import bisect
import heapq
import math
import re
from collections import defaultdict

from django.db import connection

from register.geo import EARTH_RADIUS_KM, distance_km

from ..facets import FACETS
from ..models import IndexedDocument
from .storage import decoded, newest_first


def longitude_band(lat, lat_margin, radius_km):
    """Degrees of longitude beyond which no point within ``lat_margin`` degrees of latitude
    ``lat`` is within ``radius_km`` of (lat, any longitude); None when there is no such bound
    (near a pole, or a radius of half the globe).

    By the haversine formula, a point within ``radius_km`` has
    cos(lat) * cos(lat2) * sin²(Δlon / 2) <= sin²(radius / 2R); cos(lat2) is smallest at the
    edge of the latitude band. The bound is widened a little, so that rounding can never
    drop a point that ``distance_km`` would keep."""
    low, high = math.radians(lat - lat_margin), math.radians(lat + lat_margin)
    if low <= -math.pi / 2 or high >= math.pi / 2:
        return None
    cosines = math.cos(math.radians(lat)) * min(math.cos(low), math.cos(high))
    half_angle = radius_km / (2 * EARTH_RADIUS_KM)
    if cosines <= 0 or half_angle >= math.pi / 2:
        return None
    bound = math.sin(half_angle) ** 2 / cosines
    if bound >= 1:
        return None
    band = math.degrees(2 * math.asin(math.sqrt(bound)))
    return band * (1 + 1e-9) + 1e-9


_BITS_OF_BYTE = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]
_NONZERO = re.compile(rb"[^\x00]")


class FacetIndex:
    """Bitsets over positions 0..n-1, which list the documents newest first.

    One Python int per facet value and start year; set operations and
    ``int.bit_count()`` run in C, so counting every facet value is cheap even at 100,000
    profiles. Built from ``IndexedDocument`` rows; never changed, only replaced.
    """

    def __init__(self, stamp, rows, filter_data):
        """``rows``: (page_id, published_at, title_key, partner_count, start_year) as the
        database driver returns them; ``filter_data``: (page_id, filter_data) pairs, read
        one at a time so that the decoded JSON never has to be held all at once."""
        self.stamp = stamp
        rows = newest_first(rows)
        self.size = len(rows)
        self.nbytes = (self.size + 7) // 8
        self.all = (1 << self.size) - 1
        self.ids = [row[0] for row in rows]
        self.position = {page_id: position for position, page_id in enumerate(self.ids)}

        published_rank, previous, rank = [], object(), 0
        year_positions = defaultdict(list)
        for position, (_, published, _, _, start_year) in enumerate(rows):
            if published != previous:
                rank, previous = position, published
            published_rank.append(rank)
            if start_year is not None:
                year_positions[start_year].append(position)

        value_positions = defaultdict(list)  # (facet key, value) -> positions
        point_positions = defaultdict(list)  # (lat, lon) -> positions
        for page_id, data in filter_data:
            position = self.position.get(page_id)
            if position is None:
                continue  # written between the two reads: the next search reloads
            for key, values in (data.get("facets") or {}).items():
                for value in values:
                    value_positions[key, value].append(position)
            for lat, lon in data.get("locations") or ():
                point_positions[lat, lon].append(position)

        self.published_rank = published_rank  # equal dates share a rank (relevance ties)
        self.facets = {facet.key: {} for facet in FACETS}
        for (key, value), positions in value_positions.items():
            self.facets.setdefault(key, {})[value] = self.bits_of(positions)
        self.years = {year: self.bits_of(positions) for year, positions in year_positions.items()}
        # Positions, not bitsets: most of the ~10,000 places have few profiles, and a
        # bitset always costs n/8 bytes.
        points = sorted(point_positions.items())
        self.point_lats = [lat for (lat, _), _ in points]
        self.points = [(lat, lon, positions) for (lat, lon), positions in points]

        title_keys = [row[2] for row in rows]
        partner_counts = [row[3] for row in rows]
        self.orders = {}
        self.ranks = {}
        for sort, key in {
            "name": lambda p: (title_keys[p], self.ids[p]),
            "partner": lambda p: (-partner_counts[p], title_keys[p], self.ids[p]),
        }.items():
            order = sorted(range(self.size), key=key)
            rank = [0] * self.size
            for place, position in enumerate(order):
                rank[position] = place
            self.orders[sort], self.ranks[sort] = order, rank
        self._unfiltered_counts = None

    @classmethod
    def load(cls, stamp):
        """Read what the facet index needs of every stored document. Plain cursors: the
        ORM's per-value converters would double the time at 100,000 profiles."""
        table = IndexedDocument._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id, published_at, title_key, partner_count, start_year FROM {table}"
            )
            rows = cursor.fetchall()
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT page_id, filter_data FROM {table}")
            return cls(stamp, rows, decoded(cursor))

    def bits_of(self, positions):
        buffer = bytearray(self.nbytes)
        for position in positions:
            buffer[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(buffer, "little")

    def iter_positions(self, bits):
        """Set positions in ascending order (newest first)."""
        data = bits.to_bytes(self.nbytes, "little")
        for match in _NONZERO.finditer(data):
            offset = match.start() * 8
            for bit in _BITS_OF_BYTE[data[match.start()]]:
                yield offset + bit

    # filters

    def facet_filter(self, key, values):
        """Values of one facet are ORed."""
        by_value = self.facets.get(key, {})
        bits = 0
        for value in values:
            bits |= by_value.get(value, 0)
        return bits

    def year_filter(self, minimum, maximum):
        bits = 0
        for year, year_bits in self.years.items():
            if (minimum is None or year >= minimum) and (maximum is None or year <= maximum):
                bits |= year_bits
        return bits

    def geo_filter(self, lat, lon, radius_km):
        """Documents with a partner location within ``radius_km``."""
        # A latitude band first: the distance is at least the meridian distance.
        margin = math.degrees(radius_km / EARTH_RADIUS_KM) + 1e-9
        low = bisect.bisect_left(self.point_lats, lat - margin)
        high = bisect.bisect_right(self.point_lats, lat + margin)
        # Then a longitude band (when there is one): cheaper than the distance.
        band = longitude_band(lat, margin, radius_km)
        positions = []
        for point_lat, point_lon, point_positions in self.points[low:high]:
            if band is not None and band < abs(point_lon - lon) < 360 - band:
                continue
            if distance_km(lat, lon, point_lat, point_lon) <= radius_km:
                positions.extend(point_positions)
        return self.bits_of(positions)

    # counting

    def facet_counts(self, narrowing, selections):
        """Disjunctive counts: each facet is counted under every filter but its own."""
        full = narrowing
        for bits in selections.values():
            full &= bits
        counts = {}
        for facet in FACETS:
            base = full
            if facet.key in selections:
                base = narrowing
                for key, bits in selections.items():
                    if key != facet.key:
                        base &= bits
            if base == self.all:
                counts[facet.key] = self.unfiltered_counts()[facet.key]
            elif base:
                counts[facet.key] = self._count(facet.key, base)
            else:
                counts[facet.key] = {}
        return counts

    def _count(self, key, base):
        counts = {}
        for value, bits in self.facets.get(key, {}).items():
            count = (base & bits).bit_count()
            if count:
                counts[value] = count
        return counts

    def unfiltered_counts(self):
        if self._unfiltered_counts is None:
            self._unfiltered_counts = {
                facet.key: self._count(facet.key, self.all) for facet in FACETS
            }
        return self._unfiltered_counts

    # ordering

    def ranked_page(self, result, ranked, offset, limit):
        """(position, score) of hits ``offset`` to ``offset + limit`` of ``result`` by
        relevance. ``ranked``: (position, score) of the text matches, best first; equal
        scores go newest first, then by page id (as in Elasticsearch)."""
        need = offset + limit
        if need <= 0 or not result:
            return []
        members = result.to_bytes(self.nbytes, "little")
        found = []
        for position, score in ranked:
            if position is None or not members[position >> 3] >> (position & 7) & 1:
                continue
            if len(found) >= need and score != found[-1][1]:
                break  # past the page and past every tie with its last hit
            found.append((position, score))
        found.sort(key=lambda entry: (-entry[1], self.published_rank[entry[0]], self.ids[entry[0]]))
        return found[offset:need]

    def page(self, result, sort, offset, limit):
        """Positions of hits ``offset`` to ``offset + limit`` of ``result`` in ``sort`` order
        ("neueste", "name" or "partner")."""
        need = offset + limit
        if need <= 0 or not result:
            return []
        if sort not in self.orders:  # "neueste": positions are in that order already
            found = []
            for position in self.iter_positions(result):
                found.append(position)
                if len(found) >= need:
                    break
            return found[offset:]
        if result.bit_count() * 16 < self.size:
            # Few hits: take them all and order them.
            rank = self.ranks[sort]
            return heapq.nsmallest(need, self.iter_positions(result), key=rank.__getitem__)[offset:]
        # Many hits: walk the precomputed order until the page is full.
        members = result.to_bytes(self.nbytes, "little")
        found = []
        for position in self.orders[sort]:
            if members[position >> 3] >> (position & 7) & 1:
                found.append(position)
                if len(found) >= need:
                    break
        return found[offset:]

"""The in-memory facet index of the embedded engine: one Python int per facet value used
as a bitset over the documents, so filters, disjunctive facet counts, sorting and paging
run in C (``(base & value_bits).bit_count()``). Read whole from ``IndexedDocument`` once
per process; after that, each change to the index is applied to a copy: the documents
the change log (``IndexChange``) names are read again and their bits set anew."""

import bisect
import heapq
import json
import math
import re
from array import array
from collections import defaultdict
from datetime import UTC, datetime

from django.db import connection

from register.geo import EARTH_RADIUS_KM, distance_km

from ..facets import FACETS
from ..models import IndexedDocument
from .storage import BATCH_SIZE, decoded

ROW_COLUMNS = "page_id, published_at, title_key, partner_count, start_year"
SORTS = ("neueste", "name", "partner")


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


def newest_key(published, title_key, page_id):
    """Sort key of "neueste": ``published_at`` desc (none last), title, page id. The first
    two items alone order by date (ties of relevance: newest first)."""
    if published is None:
        return (True, 0.0, title_key, page_id)
    if isinstance(published, str):  # SQLite returns the stored text
        published = datetime.fromisoformat(published)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (False, -published.timestamp(), title_key, page_id)


def _point_key(point):
    return point[0], point[1]


class FacetIndex:
    """Bitsets over slots 0..n-1, one slot per document.

    One Python int per facet value and start year; set operations and ``int.bit_count()``
    run in C, so counting every facet value is cheap even at 100,000 profiles. The sort
    orders are lists of slots with a sort key per slot.

    An index is never changed once searches use it: ``updated()`` returns a changed copy
    (searches in other threads keep the one they have). The containers are lists, not
    dicts, where they are as long as the index, since a list copies in a fraction of the
    time, and integers are arrays (``array("q")``: a copy is a plain memory copy, no
    reference counts touched; ``slot_of``: page id -> slot, -1 for none). A new document
    gets a new slot; a removed one leaves a hole, which the next whole read closes.
    """

    def __init__(self, version, stamp):
        self.version, self.stamp = version, stamp
        self.ids = array("q")  # slot -> page id (-1: removed)
        self.slot_of = array("q")  # page id -> slot (-1: not indexed)
        self.size = 0  # documents
        self.all = 0  # the slots in use
        self.facets = {facet.key: {} for facet in FACETS}  # key -> value -> bits
        self.years = {}  # start year -> bits
        # Partner locations with their slots, by latitude (positions, not bitsets: most of
        # the ~10,000 places have few profiles, and a bitset always costs n/8 bytes).
        self.point_lats = []
        self.points = []  # (lat, lon, [slot, ...])
        self.slot_points = []  # slot -> the (lat, lon) of its locations
        self.keys = {sort: [] for sort in SORTS}  # sort -> slot -> sort key
        self.orders = {sort: array("q") for sort in SORTS}  # sort -> slots in that order
        self._unfiltered_counts = None

    @property
    def nbytes(self):
        return (len(self.ids) + 7) // 8

    @property
    def holes(self):
        """Slots of removed documents."""
        return len(self.ids) - self.size

    # reading

    @classmethod
    def load(cls, version, stamp):
        """Read what the facet index needs of every stored document. Plain cursors: the
        ORM's per-value converters would double the time at 100,000 profiles."""
        table = IndexedDocument._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {ROW_COLUMNS} FROM {table}")
            rows = cursor.fetchall()
        index = cls(version, stamp)
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT page_id, filter_data FROM {table}")
            index._fill(rows, decoded(cursor))
        return index

    def _fill(self, rows, filter_data):
        """``rows``: (page_id, published_at, title_key, partner_count, start_year) as the
        database driver returns them; ``filter_data``: (page_id, filter_data) pairs, read
        one at a time so that the decoded JSON never has to be held all at once."""
        self.ids = array("q", [row[0] for row in rows])
        self.slot_of = array("q", [-1]) * (max(self.ids, default=0) + 1)
        for slot, page_id in enumerate(self.ids):
            self.slot_of[page_id] = slot
        self.size = len(rows)
        self.all = (1 << len(rows)) - 1
        self.slot_points = [()] * len(rows)
        year_positions = defaultdict(list)
        newest, names, partners = self.keys["neueste"], self.keys["name"], self.keys["partner"]
        for slot, (page_id, published, title_key, partner_count, start_year) in enumerate(rows):
            newest.append(newest_key(published, title_key, page_id))
            names.append((title_key, page_id))
            partners.append((-partner_count, title_key, page_id))
            if start_year is not None:
                year_positions[start_year].append(slot)

        value_positions = defaultdict(list)  # (facet key, value) -> slots
        point_positions = {}  # (lat, lon) -> slots
        for page_id, data in filter_data:
            slot = self.slot(page_id)
            if slot is None:
                continue  # written between the two reads: the change log has it
            for key, values in (data.get("facets") or {}).items():
                for value in values:
                    value_positions[key, value].append(slot)
            locations = []
            for lat, lon in data.get("locations") or ():
                point = (lat, lon)
                if point not in point_positions:
                    point_positions[point] = [point, []]  # one tuple per place, shared
                point, positions = point_positions[point]
                positions.append(slot)
                locations.append(point)
            self.slot_points[slot] = tuple(locations)

        for (key, value), positions in value_positions.items():
            self.facets.setdefault(key, {})[value] = self.bits_of(positions)
        self.years = {year: self.bits_of(positions) for year, positions in year_positions.items()}
        points = sorted(point_positions.values())
        self.point_lats = [lat for (lat, _), _ in points]
        self.points = [(lat, lon, positions) for (lat, lon), positions in points]
        for sort in SORTS:
            self.orders[sort] = array(
                "q", sorted(range(len(rows)), key=self.keys[sort].__getitem__)
            )

    # changing

    def updated(self, version, stamp, page_ids):
        """A copy at (version, stamp) with the documents ``page_ids`` as they are stored
        now: removed when they are not stored any more. This index stays as it is."""
        page_ids = sorted(page_ids)
        rows = []
        table = IndexedDocument._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(page_ids), BATCH_SIZE):
                chunk = page_ids[start : start + BATCH_SIZE]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {ROW_COLUMNS}, filter_data FROM {table} "
                    f"WHERE page_id IN ({placeholders})",
                    chunk,
                )
                rows.extend(cursor.fetchall())
        index = self._copy(version, stamp)
        stored = {row[0] for row in rows}
        for page_id in page_ids:
            index._clear(page_id, keep_slot=page_id in stored)
        for row in rows:
            index._set(row)
        return index

    def _copy(self, version, stamp):
        """Containers copied, bitsets shared (ints never change)."""
        index = FacetIndex.__new__(FacetIndex)
        index.version, index.stamp = version, stamp
        index.ids = self.ids[:]
        index.slot_of = self.slot_of[:]
        index.size = self.size
        index.all = self.all
        index.facets = {key: dict(values) for key, values in self.facets.items()}
        index.years = dict(self.years)
        index.point_lats = list(self.point_lats)
        index.points = list(self.points)  # the slot lists are replaced, never changed
        index.slot_points = list(self.slot_points)
        index.keys = {sort: list(keys) for sort, keys in self.keys.items()}
        index.orders = {sort: order[:] for sort, order in self.orders.items()}
        index._unfiltered_counts = None
        return index

    def _clear(self, page_id, *, keep_slot):
        """Clear the bits, places and sort entries of ``page_id``; free its slot unless
        ``keep_slot`` (it is set again at once)."""
        slot = self.slot(page_id)
        if slot is None:
            return
        mask = 1 << slot
        for bitsets in [*self.facets.values(), self.years]:
            emptied = []
            for value, bits in bitsets.items():
                if bits & mask:
                    bits ^= mask
                    bitsets[value] = bits
                    if not bits:
                        emptied.append(value)
            for value in emptied:
                del bitsets[value]
        for point in set(self.slot_points[slot]):
            i = bisect.bisect_left(self.points, point, key=_point_key)
            lat, lon, positions = self.points[i]
            remaining = [position for position in positions if position != slot]
            if remaining:
                self.points[i] = (lat, lon, remaining)
            else:
                del self.points[i]
                del self.point_lats[i]
        self.slot_points[slot] = ()
        for sort in SORTS:
            keys, order = self.keys[sort], self.orders[sort]
            del order[bisect.bisect_left(order, keys[slot], key=keys.__getitem__)]
            keys[slot] = None
        if not keep_slot:
            self.slot_of[page_id] = -1
            self.ids[slot] = -1
            self.all ^= mask
            self.size -= 1

    def _set(self, row):
        """Set ``row`` (``ROW_COLUMNS`` and filter_data) into its slot (a new one for a
        document not in the index)."""
        page_id, published, title_key, partner_count, start_year, data = row
        if isinstance(data, str):
            data = json.loads(data)
        slot = self.slot(page_id)
        if slot is None:
            slot = len(self.ids)
            self.ids.append(page_id)
            self.slot_points.append(())
            for keys in self.keys.values():
                keys.append(None)
            if page_id >= len(self.slot_of):
                self.slot_of.extend(array("q", [-1]) * (page_id + 1 - len(self.slot_of)))
            self.slot_of[page_id] = slot
            self.all |= 1 << slot
            self.size += 1
        mask = 1 << slot
        self.keys["neueste"][slot] = newest_key(published, title_key, page_id)
        self.keys["name"][slot] = (title_key, page_id)
        self.keys["partner"][slot] = (-partner_count, title_key, page_id)
        for sort in SORTS:
            keys = self.keys[sort]
            bisect.insort(self.orders[sort], slot, key=keys.__getitem__)
        for key, values in (data.get("facets") or {}).items():
            bitsets = self.facets.setdefault(key, {})
            for value in values:
                bitsets[value] = bitsets.get(value, 0) | mask
        if start_year is not None:
            self.years[start_year] = self.years.get(start_year, 0) | mask
        locations = []
        for lat, lon in data.get("locations") or ():
            point = (lat, lon)
            i = bisect.bisect_left(self.points, point, key=_point_key)
            if i < len(self.points) and _point_key(self.points[i]) == point:
                self.points[i] = (lat, lon, [*self.points[i][2], slot])
            else:
                self.points.insert(i, (lat, lon, [slot]))
                self.point_lats.insert(i, lat)
            locations.append(point)
        self.slot_points[slot] = tuple(locations)

    # slots

    def slot(self, page_id):
        """The slot of ``page_id``, None when it is not in the index."""
        slot = self.slot_of[page_id] if 0 <= page_id < len(self.slot_of) else -1
        return slot if slot >= 0 else None

    def page_ids(self):
        return [page_id for page_id in self.ids if page_id >= 0]

    def ranked_slots(self, matches):
        """[(slot or None, score)] of [(page_id, score)]: None for a document indexed
        after this index was read."""
        slot_of, size = self.slot_of, len(self.slot_of)
        return [
            (slot if 0 <= page_id < size and (slot := slot_of[page_id]) >= 0 else None, score)
            for page_id, score in matches
        ]

    # bitsets

    def bits_of(self, positions):
        buffer = bytearray(self.nbytes)
        for position in positions:
            buffer[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(buffer, "little")

    def iter_positions(self, bits):
        """Set slots in ascending order."""
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
        """(slot, score) of hits ``offset`` to ``offset + limit`` of ``result`` by
        relevance. ``ranked``: (slot, score) of the text matches, best first; equal
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
        newest = self.keys["neueste"]

        def order(entry):
            position, score = entry
            missing, age, _, page_id = newest[position]
            return -score, missing, age, page_id

        found.sort(key=order)
        return found[offset:need]

    def page(self, result, sort, offset, limit):
        """Slots of hits ``offset`` to ``offset + limit`` of ``result`` in ``sort`` order
        ("neueste", "name" or "partner")."""
        need = offset + limit
        if need <= 0 or not result:
            return []
        if sort not in self.keys:
            sort = "neueste"
        if result.bit_count() * 16 < self.size:
            # Few hits: take them all and order them.
            keys = self.keys[sort]
            return heapq.nsmallest(need, self.iter_positions(result), key=keys.__getitem__)[offset:]
        # Many hits: walk the order until the page is full (about 16 slots per hit).
        members = result.to_bytes(self.nbytes, "little")
        found = []
        for position in self.orders[sort]:
            if members[position >> 3] >> (position & 7) & 1:
                found.append(position)
                if len(found) >= need:
                    break
        return found[offset:]

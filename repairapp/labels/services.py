"""Choosing assets for a label batch, printing it, and re-issuing a label."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.assets.models import Asset, Label
from repairapp.assets.services import issue_label
from repairapp.customers.models import Site
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.labels import qr
from repairapp.labels.models import LabelPrint
from repairapp.labels.pdf import LabelData, module_mm, write_batch
from repairapp.labels.sheets import SHEETS, Sheet

BATCH = 500  # rows fetched and history rows written at a time: memory stays flat


@dataclass(frozen=True)
class Selection:
    """Which assets get labels; every criterion given must hold."""

    customer_id: int | None = None
    site_id: int | None = None
    search: str = ""
    tag_from: str = ""
    tag_to: str = ""
    never_printed: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)


def too_fine(base_url: str) -> dict[str, float]:
    """Stocks on which codes for `base_url` would print with modules under 0.5 mm (a long
    public address needs a denser code), with the module size they would get."""
    sizes = {key: module_mm(sheet, base_url) for key, sheet in SHEETS.items()}
    return {key: size for key, size in sizes.items() if size < qr.MIN_MODULE_MM}


def parse_tags(text: str) -> tuple[str, ...]:
    """An explicit list of tags, separated by commas, spaces or new lines."""
    return tuple(t for t in re.split(r"[\s,;，、]+", text.strip()) if t)


def natural_key(tag: str) -> tuple:
    """Tags in the order people count them: EQ-9 before EQ-10, whatever the padding."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", tag) if part)


def _in_range(query, selection: Selection):
    """Narrow to tags between tag_from and tag_to in natural order (text comparison would put
    EQ-100 before EQ-99); the tags are few and short, so this is done on the ids."""
    low = natural_key(selection.tag_from) if selection.tag_from else None
    high = natural_key(selection.tag_to) if selection.tag_to else None
    rows = db.session.execute(query.with_only_columns(Asset.id, Asset.tag))
    ids = [asset_id for asset_id, tag in rows
           if (low is None or natural_key(tag) >= low) and (high is None or
                                                             natural_key(tag) <= high)]
    return query.where(Asset.id.in_(ids))


def _query(selection: Selection):
    query = (sa.select(Asset.id, Asset.tag, Asset.name, Label.id, Label.code)
             .join(Label, sa.and_(Label.asset_id == Asset.id, Label.revoked_at.is_(None)))
             .join(Site, Site.id == Asset.site_id).where(Asset.is_archived.is_(False)))
    if selection.customer_id:
        query = query.where(Site.customer_id == selection.customer_id)
    if selection.site_id:
        query = query.where(Asset.site_id == selection.site_id)
    if selection.search:
        like = f"%{selection.search}%"
        query = query.where(sa.or_(Asset.tag.ilike(like), Asset.name.ilike(like),
                                   Asset.model.ilike(like)))
    if selection.tags:
        query = query.where(Asset.tag.in_(selection.tags))
    if selection.never_printed:
        query = query.where(~sa.exists().where(LabelPrint.label_id == Label.id))
    if selection.tag_from or selection.tag_to:
        query = _in_range(query, selection)
    return query.order_by(Asset.tag)


def count(selection: Selection) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_query(selection).subquery()))


def print_batch(selection: Selection, sheet: Sheet, out: BinaryIO, *, base_url: str,
                vendor: str, hotline: str, start_slot: int = 0,
                user: User | None = None) -> int:
    """Write the PDF for every selected asset's current label and record the printing.

    Rows are streamed from the database and history is written in chunks, so a batch of
    10,000 labels needs no more memory than one of 1,000. Returns the number of labels.
    """
    printed: list[int] = []
    now = utcnow()

    def labels() -> Iterator[LabelData]:
        rows = db.session.execute(_query(selection).execution_options(yield_per=BATCH))
        for _asset_id, tag, name, label_id, code in rows:
            printed.append(label_id)
            yield LabelData(tag, name, code)

    write_batch(labels(), sheet, out, start_slot=start_slot, base_url=base_url, vendor=vendor,
                hotline=hotline)
    for start in range(0, len(printed), BATCH):
        db.session.execute(sa.insert(LabelPrint), [
            {"label_id": label_id, "sheet": sheet.key, "user_id": user.id if user else None,
             "printed_at": now} for label_id in printed[start:start + BATCH]])
    return len(printed)


class LabelChanged(ValueError):
    """The label to replace is no longer the asset's current one (replaced meanwhile)."""


def unknown_tags(tags: tuple[str, ...]) -> list[str]:
    """The listed tags no current (not archived) machine has, in the order given, once each."""
    found = set(db.session.scalars(sa.select(Asset.tag).where(
        Asset.tag.in_(tags), Asset.is_archived.is_(False)))) if tags else set()
    return [tag for tag in dict.fromkeys(tags) if tag not in found]


def reissue(asset: Asset, replacing: str) -> Label:
    """Revoke the asset's current label (its URL then says "replaced") and issue a new one.

    `replacing` is the code the admin confirmed replacing ("" if the asset had none): a
    confirmation sent twice, or after someone else replaced it, replaces nothing more.
    """
    current = asset.active_label
    if (current.code if current else "") != replacing:
        raise LabelChanged(f"asset {asset.id}: {replacing!r} is not its current label")
    for label in asset.labels:
        if label.revoked_at is None:
            label.revoked_at = utcnow()
    label = issue_label(asset)
    db.session.flush()
    return label


def history(asset: Asset) -> list[tuple[Label, list[LabelPrint]]]:
    """Every label the asset ever had, newest first, with its printings."""
    prints = db.session.scalars(
        sa.select(LabelPrint).join(Label).where(Label.asset_id == asset.id)
        .order_by(LabelPrint.id.desc())).all()
    by_label: dict[int, list[LabelPrint]] = {}
    for entry in prints:
        by_label.setdefault(entry.label_id, []).append(entry)
    return [(label, by_label.get(label.id, [])) for label in reversed(asset.labels)]
